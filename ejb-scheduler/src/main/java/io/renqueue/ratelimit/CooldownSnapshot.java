package io.renqueue.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The cooldowns this server last read from the database, as the router sees them: a few hundred
 * milliseconds old at most, plus the ones this server set itself since. Routing around a backend
 * that has just started cooling down elsewhere is only a preference; the admission check before the
 * request reads the database and is exact.
 */
final class CooldownSnapshot {

  private final Map<String, Instant> until;
  private final long readAtNanos;

  private CooldownSnapshot(Map<String, Instant> until, long readAtNanos) {
    this.until = Map.copyOf(until);
    this.readAtNanos = readAtNanos;
  }

  static CooldownSnapshot none() {
    return new CooldownSnapshot(Map.of(), Long.MIN_VALUE);
  }

  static CooldownSnapshot read(Map<String, Instant> until, long nanos) {
    return new CooldownSnapshot(until, nanos);
  }

  /** Whether it is older than {@code maxAge} and must be read again. */
  boolean staleAt(long nanos, Duration maxAge) {
    return readAtNanos == Long.MIN_VALUE || nanos - readAtNanos >= maxAge.toNanos();
  }

  /** With a cooldown this server set: only ever extends one already known. */
  CooldownSnapshot with(String backend, Instant end) {
    Map<String, Instant> next = new HashMap<>(until);
    next.merge(backend, end, (a, b) -> a.isAfter(b) ? a : b);
    return new CooldownSnapshot(next, readAtNanos);
  }

  /** The cooldowns that have not ended at {@code now}. */
  Map<String, Instant> activeAt(Instant now) {
    Map<String, Instant> active = new HashMap<>();
    until.forEach(
        (backend, end) -> {
          if (end.isAfter(now)) {
            active.put(backend, end);
          }
        });
    return active;
  }
}
