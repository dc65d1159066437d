package io.renqueue.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AttemptPolicyTest {

  private final AttemptPolicy three =
      new AttemptPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(60));

  @Test
  void aFailedAttemptWithAttemptsLeftWaitsADelayThatDoublesEachTime() {
    assertThat(three.nextAttemptAfter(1)).hasValue(Duration.ofSeconds(2));
    assertThat(three.nextAttemptAfter(2)).hasValue(Duration.ofSeconds(4));
  }

  @Test
  void theLastAttemptLeavesNoneAndMoreThanTheLastLeavesNone() {
    assertThat(three.nextAttemptAfter(3)).isEmpty();
    assertThat(three.nextAttemptAfter(7)).isEmpty();
  }

  @Test
  void theDelayNeverExceedsTheMaximum() {
    AttemptPolicy many = new AttemptPolicy(50, Duration.ofSeconds(5), Duration.ofSeconds(30));

    assertThat(many.nextAttemptAfter(3)).hasValue(Duration.ofSeconds(20));
    assertThat(many.nextAttemptAfter(4)).hasValue(Duration.ofSeconds(30));
    assertThat(many.nextAttemptAfter(49)).hasValue(Duration.ofSeconds(30));
  }

  @Test
  void preemptionsAndDeferralsDoNotUseAttempts() {
    assertThat(AttemptPolicy.used(5, 1, 2)).isEqualTo(2);
    assertThat(three.nextAttemptAfter(AttemptPolicy.used(5, 1, 2))).isPresent();
  }

  @Test
  void oneAttemptMeansNoRetry() {
    assertThat(new AttemptPolicy(1, Duration.ZERO, Duration.ZERO).nextAttemptAfter(1)).isEmpty();
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThatThrownBy(() -> new AttemptPolicy(0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("max-attempts");
    assertThatThrownBy(() -> new AttemptPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .hasMessageContaining("delays");
  }

  @Test
  void describesAnAttemptAgainstTheTotal() {
    assertThat(three.describe(2)).isEqualTo("attempt 2 of 3");
  }
}
