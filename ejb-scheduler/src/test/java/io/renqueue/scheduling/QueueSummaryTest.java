package io.renqueue.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueSummaryTest {

  private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");

  @Test
  void countsWaitingRunningAndAgedTasksPerLevelWithTheOldestWait() {
    QueueSummary s =
        QueueSummary.of(
            List.of(
                new QueueSummary.Group(
                    Priority.BATCH, TaskState.QUEUED, 0, 10, NOW.minusSeconds(30)),
                new QueueSummary.Group(
                    Priority.BATCH, TaskState.QUEUED, 5, 2, NOW.minusSeconds(400)),
                new QueueSummary.Group(
                    Priority.BATCH, TaskState.RUNNING, 0, 3, NOW.minusSeconds(900)),
                new QueueSummary.Group(Priority.CRITICAL, TaskState.RUNNING, 9, 1, NOW)),
            NOW);

    QueueSummary.Level batch = s.levels().get(4);
    assertThat(batch.priority()).isEqualTo(Priority.BATCH);
    assertThat(batch.queued()).isEqualTo(12);
    assertThat(batch.running()).isEqualTo(3);
    assertThat(batch.aged()).isEqualTo(2);
    assertThat(batch.oldestWait()).isEqualTo(Duration.ofSeconds(400));
    QueueSummary.Level critical = s.levels().get(0);
    assertThat(critical.queued()).isZero();
    assertThat(critical.running()).isEqualTo(1);
    assertThat(critical.oldestQueuedAt()).isNull();
  }

  @Test
  void everyLevelIsListedEvenWhenEmpty() {
    assertThat(QueueSummary.of(List.of(), NOW).levels())
        .extracting(QueueSummary.Level::priority)
        .containsExactly(Priority.values());
  }
}
