package io.renqueue.storage;

import io.renqueue.dispatch.Outgoing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One local transaction in progress: its connection, and what is to happen once it has committed
 * (messages for the broker, wake-ups, metrics). Nothing registered here happens if it rolls back.
 */
public final class Unit {

  private final Connection connection;
  private final List<Outgoing> outgoing = new ArrayList<>();
  private final List<Runnable> afterCommit = new ArrayList<>();

  Unit(Connection connection) {
    this.connection = connection;
  }

  public Connection connection() {
    return connection;
  }

  public PreparedStatement prepare(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  /** A persistent message the committed change owes the broker. */
  public void send(Outgoing message) {
    outgoing.add(message);
  }

  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  List<Outgoing> outgoing() {
    return outgoing;
  }

  List<Runnable> afterCommitActions() {
    return afterCommit;
  }
}
