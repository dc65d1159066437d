package io.renqueue.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.renqueue.tasks.Priority;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class AgingPolicyTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final AgingPolicy policy = AgingPolicy.defaults();

  @Test
  void aFreshTaskStartsAtItsLevelsPriority() {
    for (Priority p : Priority.values()) {
      assertThat(policy.effectivePriority(p, T0, T0)).isEqualTo(p.jmsPriority());
    }
  }

  @Test
  void aBatchTaskClimbsOneStepPerMinuteAndIsCriticalAfterNineMinutes() {
    assertThat(policy.effectivePriority(Priority.BATCH, T0, T0.plusSeconds(59))).isZero();
    assertThat(policy.effectivePriority(Priority.BATCH, T0, T0.plusSeconds(60))).isEqualTo(1);
    assertThat(policy.effectivePriority(Priority.BATCH, T0, T0.plusSeconds(9 * 60))).isEqualTo(9);
    assertThat(policy.waitToReach(Priority.BATCH, Priority.CRITICAL.jmsPriority()))
        .isEqualTo(Duration.ofMinutes(9));
  }

  @Test
  void theDefaultBoundKeepsBatchUnderTenMinutesWhenAMinuteOfCriticalWorkIsAhead() {
    Duration bound =
        policy.starvationBound(
            Priority.BATCH, Duration.ofSeconds(5), 40, Duration.ofSeconds(12), 8);
    assertThat(bound).isEqualTo(Duration.ofMinutes(10).plusSeconds(5));
  }

  @Test
  void theReasonNamesTheLevelTheWaitAndTheRule() {
    assertThat(policy.reason(Priority.BATCH, T0, T0.plusSeconds(185)))
        .isEqualTo("aged from batch (0) to 3 after waiting 185 s (one step per 60 s, up to 9)");
  }

  @Test
  void disabledAgingNeverChangesPriorities() {
    AgingPolicy off = new AgingPolicy(Duration.ZERO, 9);
    assertThat(off.effectivePriority(Priority.BATCH, T0, T0.plus(Duration.ofDays(1)))).isZero();
    assertThatThrownBy(() -> off.waitToReach(Priority.BATCH, 9))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCeilingOutsideJmsPrioritiesIsRefused() {
    assertThatThrownBy(() -> new AgingPolicy(Duration.ofSeconds(1), 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void waitingLongerNeverLowersAPriority(
      @ForAll Priority base,
      @ForAll @LongRange(max = 100_000) long a,
      @ForAll @LongRange(max = 100_000) long b) {
    long shorter = Math.min(a, b);
    long longer = Math.max(a, b);
    assertThat(policy.effectivePriority(base, T0, T0.plusSeconds(longer)))
        .isGreaterThanOrEqualTo(policy.effectivePriority(base, T0, T0.plusSeconds(shorter)));
  }

  @Property
  void agedPrioritiesStayBetweenTheBaseAndTheCeiling(
      @ForAll Priority base,
      @ForAll @LongRange(min = -1_000, max = 1_000_000) long waitedSeconds,
      @ForAll @IntRange(min = 1, max = 600) int stepSeconds,
      @ForAll @IntRange(min = 0, max = 9) int ceiling) {
    AgingPolicy p = new AgingPolicy(Duration.ofSeconds(stepSeconds), ceiling);
    int effective = p.effectivePriority(base, T0, T0.plusSeconds(waitedSeconds));
    assertThat(effective).isGreaterThanOrEqualTo(base.jmsPriority());
    assertThat(effective).isLessThanOrEqualTo(Math.max(base.jmsPriority(), ceiling));
  }

  @Property
  void aMoreUrgentTaskThatWaitedAtLeastAsLongIsNeverBehind(
      @ForAll Priority a,
      @ForAll Priority b,
      @ForAll @LongRange(max = 100_000) long waitedA,
      @ForAll @LongRange(max = 100_000) long extra) {
    Priority urgent = a.jmsPriority() >= b.jmsPriority() ? a : b;
    Priority other = urgent == a ? b : a;
    Instant now = T0.plusSeconds(waitedA + extra);
    int urgentEffective = policy.effectivePriority(urgent, T0, now);
    int otherEffective = policy.effectivePriority(other, T0.plusSeconds(extra), now);
    assertThat(urgentEffective).isGreaterThanOrEqualTo(otherEffective);
  }

  @Property
  void everyLevelReachesTheCeilingExactlyAfterItsDocumentedWait(@ForAll Priority base) {
    Duration wait = policy.waitToReach(base, policy.ceiling());
    assertThat(policy.effectivePriority(base, T0, T0.plus(wait))).isEqualTo(policy.ceiling());
  }
}
