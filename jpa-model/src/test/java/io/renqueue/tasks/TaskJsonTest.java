package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskJsonTest {

  private static Task queued() {
    return Task.accepted(
        UUID.fromString("00000000-0000-0000-0000-000000000001"),
        Tenants.DEFAULT,
        TaskType.CHAT,
        "sim-small",
        Priority.BATCH,
        "{\"model\":\"sim-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "key-1",
        Instant.parse("2026-01-02T03:04:05.123456Z"));
  }

  @Test
  void aQueuedTaskRendersItsIdentityRequestAndWireNames() {
    JsonObject json = TaskJson.render(queued());

    assertThat(json.getString("id")).isEqualTo("00000000-0000-0000-0000-000000000001");
    assertThat(json.getString("type")).isEqualTo("chat");
    assertThat(json.getString("priority")).isEqualTo("batch");
    assertThat(json.getString("state")).isEqualTo("QUEUED");
    assertThat(json.getString("created_at")).isEqualTo("2026-01-02T03:04:05.123456Z");
    assertThat(json.getString("idempotency_key")).isEqualTo("key-1");
    assertThat(json.getJsonObject("request").getString("model")).isEqualTo("sim-small");
    assertThat(json.containsKey("result")).isFalse();
    assertThat(json.containsKey("started_at")).isFalse();
  }

  @Test
  void theListingSummaryLeavesOutTheRequest() {
    JsonObject summary = TaskJson.summary(queued());

    assertThat(summary.containsKey("request")).isFalse();
    assertThat(summary.getString("id")).isEqualTo("00000000-0000-0000-0000-000000000001");
  }
}
