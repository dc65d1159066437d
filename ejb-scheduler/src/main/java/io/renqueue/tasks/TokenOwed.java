package io.renqueue.tasks;

import io.renqueue.dispatch.Outgoing;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** A waiting task that needs a dispatch token (again), at its current dispatch priority. */
public record TokenOwed(UUID id, Priority priority, int dispatchPriority) {

  /** From a row of (id, priority, dispatch_priority). */
  static TokenOwed of(ResultSet rs) throws SQLException {
    return new TokenOwed(
        rs.getObject(1, UUID.class), Priority.valueOf(rs.getString(2)), rs.getInt(3));
  }

  /** The token of this task's current wait, confirmed on its row once the broker has it. */
  public Outgoing token() {
    return Outgoing.token(id, priority, dispatchPriority, 0);
  }

  /** One more token, with nothing to confirm. */
  public Outgoing extraToken(long delayMillis) {
    return Outgoing.extraToken(id, priority, dispatchPriority, delayMillis);
  }
}
