package io.renqueue.tasks;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Native queries hand back timestamps in whichever type the driver and Hibernate chose. */
public final class Timestamps {

  private Timestamps() {}

  /** The instant of a timestamp column value as the driver returns it; null for SQL NULL. */
  public static Instant toInstant(Object timestamp) {
    if (timestamp == null) {
      return null;
    }
    if (timestamp instanceof Instant i) {
      return i;
    }
    if (timestamp instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (timestamp instanceof Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("Unexpected timestamp type " + timestamp.getClass());
  }
}
