package io.renqueue.ratelimit;

import io.renqueue.storage.DirectSql;
import io.renqueue.tasks.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The backends' cooldowns (from 429s and exhausted rate-limit headers) in {@code backend_budget},
 * read without a container transaction: one plain statement before each request to a backend
 * without limits (the only check such a request needs), and a snapshot at most {@code
 * renqueue.ratelimit.cooldown-snapshot-ms} old for the router. Backends with limits go through
 * {@link BackendAdmission}, which locks their budget row.
 */
@ApplicationScoped
public class Cooldowns {

  @Inject DirectSql sql;

  @Inject
  @ConfigProperty(name = "renqueue.ratelimit.cooldown-snapshot-ms", defaultValue = "250")
  long snapshotMillis;

  private volatile CooldownSnapshot snapshot = CooldownSnapshot.none();

  /** Admits a request to a backend without limits unless the backend is cooling down now. */
  public Admission admitUnlimited(String backend) {
    return sql.statement(
        u -> {
          try (PreparedStatement s =
              u.prepare(
                  "SELECT cooldown_until, cooldown_reason FROM backend_budget"
                      + " WHERE backend = ? AND cooldown_until > clock_timestamp()")) {
            s.setString(1, backend);
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                return Admission.admitted(Admission.UNCOUNTED);
              }
              return Admission.refused(
                  "cooling down (" + r.getString(2) + ")",
                  Timestamps.toInstant(r.getObject(1, java.time.OffsetDateTime.class)));
            }
          }
        });
  }

  /** Backends cooling down now, and until when, as of a snapshot at most a moment old. */
  public Map<String, Instant> current() {
    CooldownSnapshot s = snapshot;
    long now = System.nanoTime();
    if (s.staleAt(now, Duration.ofMillis(snapshotMillis))) {
      return fresh();
    }
    return s.activeAt(Instant.now());
  }

  /** Backends cooling down now, read from the database (and kept as the new snapshot). */
  public Map<String, Instant> fresh() {
    long now = System.nanoTime();
    CooldownSnapshot s = CooldownSnapshot.read(read(), now);
    snapshot = s;
    return s.activeAt(Instant.now());
  }

  /**
   * A cooldown this server has just stored: its own router sees it before the next read (a read
   * already in flight may drop it again; the check before each request never misses it).
   */
  void noted(String backend, Instant until) {
    snapshot = snapshot.with(backend, until);
  }

  private Map<String, Instant> read() {
    return sql.statement(
        u -> {
          Map<String, Instant> result = new HashMap<>();
          try (PreparedStatement s =
                  u.prepare(
                      "SELECT backend, cooldown_until FROM backend_budget"
                          + " WHERE cooldown_until > clock_timestamp()");
              ResultSet r = s.executeQuery()) {
            while (r.next()) {
              result.put(
                  r.getString(1),
                  Timestamps.toInstant(r.getObject(2, java.time.OffsetDateTime.class)));
            }
          }
          return result;
        });
  }
}
