package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskStateTest {

  @ParameterizedTest
  @EnumSource(
      value = TaskState.class,
      names = {"SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"})
  void terminalStatesNeverChangeAgain(TaskState terminal) {
    assertThat(terminal.isTerminal()).isTrue();
    assertThat(terminal.next()).isEmpty();
  }

  @Test
  void onlyQueuedTasksCanBeCancelled() {
    assertThat(TaskState.sourcesOf(TaskState.CANCELLED)).containsExactly(TaskState.QUEUED);
  }

  @Test
  void onlyRunningTasksCanSucceed() {
    assertThat(TaskState.sourcesOf(TaskState.SUCCEEDED)).containsExactly(TaskState.RUNNING);
  }

  @Test
  void aTaskFailsWhileRunningOrWhileWaitingOnAFailedDependency() {
    assertThat(TaskState.sourcesOf(TaskState.FAILED))
        .containsExactlyInAnyOrder(TaskState.RUNNING, TaskState.QUEUED);
  }

  @Test
  void aQueuedTaskIsClaimedOnlyFromQueued() {
    assertThat(TaskState.sourcesOf(TaskState.RUNNING)).containsExactly(TaskState.QUEUED);
  }

  @Test
  void aLostRunningTaskMayBeRequeued() {
    assertThat(TaskState.RUNNING.canMoveTo(TaskState.QUEUED)).isTrue();
    assertThat(TaskState.SUCCEEDED.canMoveTo(TaskState.QUEUED)).isFalse();
  }

  @Test
  void wireNamesParseCaseInsensitively() {
    assertThat(TaskState.fromWire("queued")).isEqualTo(TaskState.QUEUED);
    assertThat(TaskState.fromWire("nope")).isNull();
    assertThat(Priority.fromWire("CRITICAL")).isEqualTo(Priority.CRITICAL);
  }

  @Test
  void moreUrgentLevelsHaveHigherJmsPriority() {
    Priority[] byUrgency = Priority.values();
    for (int i = 1; i < byUrgency.length; i++) {
      assertThat(byUrgency[i - 1].jmsPriority()).isGreaterThan(byUrgency[i].jmsPriority());
    }
    assertThat(Priority.CRITICAL.jmsPriority()).isLessThanOrEqualTo(9);
    assertThat(Priority.BATCH.jmsPriority()).isGreaterThanOrEqualTo(0);
  }
}
