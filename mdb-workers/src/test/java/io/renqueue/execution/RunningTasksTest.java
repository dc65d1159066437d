package io.renqueue.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunningTasksTest {

  private final RunningTasks running = new RunningTasks();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aPreemptionReachesTheThreadRunningThatAttempt() {
    UUID task = UUID.randomUUID();
    RunningTasks.Slot slot = running.enter(task, 2);

    assertThat(running.preempt(task, 1)).as("another attempt").isFalse();
    assertThat(running.preempt(task, 2)).isTrue();
    assertThat(slot.preempted()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void aPreemptionAfterTheAttemptEndedDoesNotInterruptTheThreadsNextTask() {
    UUID task = UUID.randomUUID();
    running.enter(task, 1);
    running.leave(task);

    assertThat(running.preempt(task, 1)).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
