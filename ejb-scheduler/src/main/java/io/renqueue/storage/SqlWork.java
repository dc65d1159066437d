package io.renqueue.storage;

import java.sql.SQLException;

/** What one local transaction does, given its unit of work. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Unit unit) throws SQLException;
}
