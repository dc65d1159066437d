package io.renqueue.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.renqueue.tasks.Priority;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
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
}
