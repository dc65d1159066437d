package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waiting raises priority (one JMS step per 60 s by default): a batch task that has waited half an
 * hour is re-dispatched at the top priority and goes before fresher high-priority work.
 */
class AgingIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void aLongWaitingBatchTaskIsPromotedAndStartsBeforeFresherHighTasks() throws Exception {
    holdBothSlots();

    List<String> high = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      high.add(submit(unique("fresh high " + i), "high"));
    }
    // Accepted 30 minutes ago as batch; its original token is long gone.
    UUID aged = UUID.randomUUID();
    try (Connection db = database();
        PreparedStatement insert =
            db.prepareStatement(
                "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json, created_at,"
                    + " attempts, dispatch_priority, dispatched_at)"
                    + " VALUES (?, 'default', 'CHAT', 'sim-small', 'BATCH', 'QUEUED', ?,"
                    + " now() - interval '30 minutes', 0, 0, now())")) {
      insert.setObject(1, aged);
      insert.setString(2, chat(unique("old batch"), "batch"));
      insert.executeUpdate();
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> task(aged.toString()).getInt("dispatch_priority") == 9);
    healthySimulators();

    Instant agedStart =
        Instant.parse(awaitState(aged.toString(), "SUCCEEDED").getString("started_at"));
    // Exact up to one task per concurrently claiming slot (docs/scheduling.md): the other slot may
    // skip the aged task's locked row and claim a high one in the same instant. Unaged, the batch
    // task would start after all five.
    long highStartedFirst = 0;
    for (String id : high) {
      JsonObject t = awaitState(id, "SUCCEEDED");
      if (!Instant.parse(t.getString("started_at")).isAfter(agedStart)) {
        highStartedFirst++;
      }
      assertThat(t.getInt("dispatch_priority")).isEqualTo(7);
    }
    assertThat(highStartedFirst)
        .as("high tasks started before the aged one")
        .isLessThanOrEqualTo(1);
    assertThat(task(aged.toString()).getString("priority")).isEqualTo("batch");
    assertThat(task(aged.toString()).getString("priority_reason"))
        .startsWith("aged from batch (0) to 9 after waiting 18");
    assertThat(get(API + "/metrics").body()).contains("renqueue_tasks_aged_total{");
  }
}
