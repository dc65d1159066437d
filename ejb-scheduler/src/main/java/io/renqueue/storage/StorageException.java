package io.renqueue.storage;

import java.sql.SQLException;

/** A statement of the per-task path failed; the cause says why (often: the database is away). */
public class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StorageException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  /** The SQL state of the failure, e.g. 23505 for a unique violation; null if unknown. */
  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }
}
