package io.renqueue.backends;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Waits between attempts on one backend: exponential from {@code base}, capped at {@code max}, with
 * full jitter (a random wait between half and all of it) so servers that failed together do not
 * retry together.
 */
public record RetryBackoff(Duration base, Duration max) {

  public static final RetryBackoff DEFAULT =
      new RetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  /**
   * The wait before retry number {@code retry} (1 for the first retry).
   *
   * @param random a uniform value in [0, 1)
   */
  public Duration before(int retry, DoubleSupplier random) {
    long ceiling = base.toMillis() << Math.min(20, Math.max(0, retry - 1));
    long capped = Math.min(max.toMillis(), ceiling);
    return Duration.ofMillis((long) (capped / 2.0 + random.getAsDouble() * capped / 2.0));
  }
}
