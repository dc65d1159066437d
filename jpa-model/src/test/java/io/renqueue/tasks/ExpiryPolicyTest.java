package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpiryPolicyTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final ExpiryPolicy policy = new ExpiryPolicy(Map.of(Priority.BATCH, Duration.ofHours(1)));

  @Test
  void withoutDeadlineTtlOrLevelDefaultATaskNeverExpires() {
    assertThat(policy.expiresAt(Priority.NORMAL, null, null, NOW)).isNull();
  }

  @Test
  void theLevelDefaultAppliesWhenTheTaskBringsNothing() {
    assertThat(policy.expiresAt(Priority.BATCH, null, null, NOW))
        .isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void aTasksOwnTtlReplacesTheLevelDefault() {
    assertThat(policy.expiresAt(Priority.BATCH, null, Duration.ofHours(3), NOW))
        .isEqualTo(NOW.plus(Duration.ofHours(3)));
  }

  @Test
  void theEarlierOfDeadlineAndTtlWins() {
    Instant soon = NOW.plusSeconds(30);
    Instant later = NOW.plusSeconds(3000);
    assertThat(policy.expiresAt(Priority.NORMAL, soon, Duration.ofSeconds(60), NOW))
        .isEqualTo(soon);
    assertThat(policy.expiresAt(Priority.NORMAL, later, Duration.ofSeconds(60), NOW))
        .isEqualTo(NOW.plusSeconds(60));
    assertThat(policy.expiresAt(Priority.BATCH, later, null, NOW)).isEqualTo(later);
  }
}
