package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

  private final RetryBackoff backoff =
      new RetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  @Test
  void theWaitDoublesPerRetryWithinHalfToAllOfIt() {
    assertThat(backoff.before(1, () -> 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.before(1, () -> 0.999)).isLessThanOrEqualTo(Duration.ofMillis(200));
    assertThat(backoff.before(3, () -> 0)).isEqualTo(Duration.ofMillis(400));
  }

  @Property
  void theWaitNeverExceedsTheCap(
      @ForAll @IntRange(min = 1, max = 200) int retry,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    Duration wait = backoff.before(retry, () -> random);
    assertThat(wait).isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(wait).isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }
}
