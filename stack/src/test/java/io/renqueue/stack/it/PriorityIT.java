package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Urgent work first: the dispatch queue hands a free slot the highest priority waiting. */
class PriorityIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void withEverySlotBusyEveryCriticalTaskStartsBeforeEveryWaitingBatchTask() throws Exception {
    // Hold both worker slots: every backend answers too slowly, so the holders sit in their
    // timeout/retry/fallback chain (several seconds) while 100 tasks queue up behind them.
    List<String> holders = holdBothSlots();

    List<String> batch = submitAll("batch", 50);
    List<String> critical = submitAll("critical", 50);
    Instant allQueued = Instant.now();
    healthySimulators();

    for (String holder : holders) {
      String finished = awaitState(holder, "SUCCEEDED", "FAILED").getString("finished_at");
      assertThat(Instant.parse(finished))
          .as("slots must stay busy until all 100 tasks are queued")
          .isAfter(allQueued);
    }
    Instant lastCriticalStart = Instant.MIN;
    for (String id : critical) {
      Instant started = Instant.parse(awaitState(id, "SUCCEEDED").getString("started_at"));
      lastCriticalStart = started.isAfter(lastCriticalStart) ? started : lastCriticalStart;
    }
    // First come first served would start all 50 batch tasks first. The order is exact up to one
    // task per concurrently claiming slot (docs/scheduling.md): while one slot claims the last
    // critical task the other may skip its locked row and claim a batch task in the same instant
    // (started_at is the claim transaction's start), so at most one batch task may start first.
    Instant lastCritical = lastCriticalStart;
    long batchStartedFirst =
        batch.stream()
            .map(id -> Instant.parse(awaitState(id, "SUCCEEDED").getString("started_at")))
            .filter(started -> started.isBefore(lastCritical))
            .count();
    assertThat(batchStartedFirst)
        .as("batch tasks started before the last critical one")
        .isLessThanOrEqualTo(holders.size() - 1);
  }

  private static List<String> submitAll(String priority, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String prompt = unique(priority + " " + i);
        ids.add(pool.submit(() -> submit(prompt, priority)));
      }
      List<String> result = new ArrayList<>();
      for (Future<String> f : ids) {
        result.add(f.get());
      }
      return result;
    } finally {
      pool.shutdown();
    }
  }
}
