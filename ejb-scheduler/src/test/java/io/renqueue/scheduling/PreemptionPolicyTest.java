package io.renqueue.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.renqueue.tasks.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PreemptionPolicyTest {

  private final PreemptionPolicy policy = PreemptionPolicy.defaults();

  @Test
  void onlyWorkOfNonPreemptingLevelsWithPreemptionsLeftGivesUpItsSlot() {
    assertThat(policy.mayPreempt(Priority.BATCH, 0)).isTrue();
    assertThat(policy.mayPreempt(Priority.HIGH, 1)).isTrue();
    assertThat(policy.mayPreempt(Priority.BATCH, 2)).isFalse();
    assertThat(policy.mayPreempt(Priority.CRITICAL, 0)).isFalse();
  }

  @Test
  void highCanBeMadeAPreemptingLevelToo() {
    PreemptionPolicy p =
        new PreemptionPolicy(
            Duration.ofSeconds(5), EnumSet.of(Priority.CRITICAL, Priority.HIGH), 1);
    assertThat(p.mayPreempt(Priority.HIGH, 0)).isFalse();
    assertThat(p.mayPreempt(Priority.NORMAL, 0)).isTrue();
  }

  @Test
  void freesOneSlotPerStarvingTaskNotAlreadyCovered() {
    assertThat(policy.slotsToFree(3, 1)).isEqualTo(2);
    assertThat(policy.slotsToFree(1, 4)).isZero();
  }

  @Test
  void disabledPreemptionFreesNothing() {
    PreemptionPolicy off = new PreemptionPolicy(Duration.ZERO, Set.of(Priority.CRITICAL), 2);
    assertThat(off.slotsToFree(5, 0)).isZero();
    assertThat(off.mayPreempt(Priority.BATCH, 0)).isFalse();
  }

  @Test
  void anUrgentTaskIsCheckedOnceItHasWaitedTheThresholdRoundedUpToTheGranularity() {
    PreemptionPolicy p = PreemptionPolicy.defaults();
    Instant accepted = Instant.parse("2026-01-01T00:00:00.010Z");
    assertThat(p.checkAt(accepted, Duration.ofMillis(250)))
        .isEqualTo(Instant.parse("2026-01-01T00:00:30.250Z"));
    Instant onTheEdge = Instant.parse("2026-01-01T00:00:00.250Z");
    assertThat(p.checkAt(onTheEdge, Duration.ofMillis(250)))
        .isEqualTo(Instant.parse("2026-01-01T00:00:30.250Z"));
  }

  @Property
  void theCheckIsNeverEarlyAndAtMostOneGranuleLate(
      @ForAll @LongRange(max = 4_000_000_000_000L) long acceptedMillis,
      @ForAll @IntRange(min = 1, max = 5000) int granularityMillis) {
    PreemptionPolicy p = PreemptionPolicy.defaults();
    Instant accepted = Instant.ofEpochMilli(acceptedMillis);
    Instant due = accepted.plus(p.after());
    Instant check = p.checkAt(accepted, Duration.ofMillis(granularityMillis));
    assertThat(check).isAfterOrEqualTo(due);
    assertThat(Duration.between(due, check)).isLessThan(Duration.ofMillis(granularityMillis));
  }
}
