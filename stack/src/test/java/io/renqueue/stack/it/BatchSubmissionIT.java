package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/tasks} with a JSON array: one commit, a result per item, nothing lost. */
class BatchSubmissionIT {

  @Test
  void aBatchStoresEveryValidItemAndRefusesTheInvalidOnesOneByOne() {
    healthySimulators();
    String a = unique("batch a");
    String b = unique("batch b");
    String body = "[" + chat(a, "low") + ",{\"model\":\"sim-small\"}," + chat(b, "batch") + ",42]";
    Reply r = post("/api/v1/tasks", body);
    assertThat(r.status()).isEqualTo(200);
    JsonObject answer = r.json();
    assertThat(answer.getInt("accepted")).isEqualTo(2);
    assertThat(answer.getInt("refused")).isEqualTo(2);
    JsonArray items = answer.getJsonArray("items");
    assertThat(items).hasSize(4);
    assertThat(items.getJsonObject(0).getInt("status")).isEqualTo(202);
    assertThat(items.getJsonObject(1).getInt("status")).isEqualTo(400);
    assertThat(items.getJsonObject(1).getJsonObject("problem").getString("type"))
        .isEqualTo("urn:renqueue:problem:invalid-request");
    assertThat(items.getJsonObject(2).getInt("status")).isEqualTo(202);
    assertThat(items.getJsonObject(3).getJsonObject("problem").getString("type"))
        .isEqualTo("urn:renqueue:problem:malformed-json");
    for (int i : new int[] {0, 2}) {
      String id = items.getJsonObject(i).getJsonObject("task").getString("id");
      assertThat(awaitState(id, "SUCCEEDED").getString("state")).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void anIdempotencyKeyPerItemFindsTheTaskAgainOnResubmission() {
    String key = unique("batch-key");
    String item =
        "{\"model\":\"sim-small\",\"idempotency_key\":\""
            + key
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    JsonArray first = post("/api/v1/tasks", "[" + item + "]").json().getJsonArray("items");
    JsonArray again = post("/api/v1/tasks", "[" + item + "]").json().getJsonArray("items");
    assertThat(first.getJsonObject(0).getInt("status")).isEqualTo(202);
    assertThat(again.getJsonObject(0).getInt("status")).isEqualTo(200);
    assertThat(again.getJsonObject(0).getJsonObject("task").getString("id"))
        .isEqualTo(first.getJsonObject(0).getJsonObject("task").getString("id"));
  }

  @Test
  void aThousandTasksGoInOneRequest() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      items.add(
          "{\"model\":\"sim-small\",\"priority\":\"batch\","
              + "\"messages\":[{\"role\":\"user\",\"content\":\"bulk "
              + i
              + "\"}]}");
    }
    Reply r = post("/api/v1/tasks", "[" + String.join(",", items) + "]");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getInt("accepted")).isEqualTo(1000);
    // Out of the way of the tests that follow: cancel what has not started yet.
    for (var item : r.json().getJsonArray("items")) {
      delete("/api/v1/tasks/" + item.asJsonObject().getJsonObject("task").getString("id"));
    }
    String over = "[" + String.join(",", items) + "," + items.get(0) + "]";
    assertThat(post("/api/v1/tasks", over).status()).isEqualTo(413);
  }
}
