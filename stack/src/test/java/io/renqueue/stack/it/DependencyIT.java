package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** depends_on: a task runs after its dependencies succeed, and lends them its priority. */
class DependencyIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  private static String submitDependent(String prompt, String priority, String... dependsOn) {
    var ids = Json.createArrayBuilder();
    for (String id : dependsOn) {
      ids.add(id);
    }
    Reply r =
        post(
            "/api/v1/tasks",
            Json.createObjectBuilder(json(chat(prompt, priority)))
                .add("depends_on", ids)
                .build()
                .toString());
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json().getString("id");
  }

  @Test
  void aCriticalTasksBatchDependencyRunsAheadOfOtherBatchWorkThenTheCriticalTaskRuns() {
    holdBothSlots();
    List<String> otherBatch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      otherBatch.add(submit(unique("other batch " + i), "batch"));
    }
    String dependency = submit(unique("dependency"), "batch");
    String critical = submitDependent(unique("needs the dependency"), "critical", dependency);
    assertThat(task(critical).getBoolean("blocked")).isTrue();
    assertThat(task(dependency).getInt("dispatch_priority")).isEqualTo(9);
    assertThat(task(dependency).getString("priority_reason"))
        .contains("inherited priority 9 (critical) from dependent task " + critical);
    healthySimulators();

    JsonObject dep = awaitState(dependency, "SUCCEEDED");
    JsonObject crit = awaitState(critical, "SUCCEEDED", "FAILED");
    assertThat(crit.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(Instant.parse(crit.getString("started_at")))
        .isAfter(Instant.parse(dep.getString("finished_at")));
    // Submitted last, without the inherited priority the dependency would start sixth. The other
    // slot may claim the next batch task in the same instant (started_at is its claim's
    // transaction start), so at most one may show a start before the dependency's.
    Instant depStarted = Instant.parse(dep.getString("started_at"));
    long startedBefore =
        otherBatch.stream()
            .map(id -> Instant.parse(awaitState(id, "SUCCEEDED").getString("started_at")))
            .filter(started -> !started.isAfter(depStarted))
            .count();
    assertThat(startedBefore).isLessThanOrEqualTo(1);
  }

  @Test
  void whenADependencyIsCancelledItsDependentsFailTransitively() {
    holdBothSlots();
    String root = submit(unique("root"), "batch");
    String child = submitDependent(unique("child"), "normal", root);
    String grandchild = submitDependent(unique("grandchild"), "normal", child);

    assertThat(delete("/api/v1/tasks/" + root).status()).isEqualTo(200);

    for (String id : List.of(child, grandchild)) {
      JsonObject t = task(id);
      assertThat(t.getString("state")).isEqualTo("FAILED");
      assertThat(t.getJsonObject("error").getString("code")).isEqualTo("dependency_failed");
    }
    JsonObject late =
        post(
                "/api/v1/tasks",
                Json.createObjectBuilder(json(chat(unique("late"), "high")))
                    .add("depends_on", Json.createArrayBuilder().add(root))
                    .build()
                    .toString())
            .json();
    assertThat(late.getString("state")).isEqualTo("FAILED");
    assertThat(late.getJsonObject("error").getString("message")).contains(root, "CANCELLED");
  }

  @Test
  void aTaskWhoseDependenciesAlreadySucceededRunsAtOnce() {
    healthySimulators();
    String first = submit(unique("first"), "low");
    awaitState(first, "SUCCEEDED");

    String second = submitDependent(unique("second"), "low", first);

    assertThat(awaitState(second, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void unknownDependenciesAreRefusedWithAFieldError() {
    Reply r =
        post(
            "/api/v1/tasks",
            Json.createObjectBuilder(json(chat(unique("orphan"), "normal")))
                .add("depends_on", Json.createArrayBuilder().add(UUID.randomUUID().toString()))
                .build()
                .toString());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("depends_on[0]");
  }

  @Test
  void aChildTaskInheritsItsParentsMoreUrgentPriority() {
    healthySimulators();
    String parent = submit(unique("parent"), "critical");
    Reply child =
        post(
            "/api/v1/tasks",
            Json.createObjectBuilder(json(chat(unique("child"), "batch")))
                .add("parent", parent)
                .build()
                .toString());

    assertThat(child.status()).isEqualTo(202);
    assertThat(child.json().getString("priority")).isEqualTo("critical");
    assertThat(child.json().getString("parent")).isEqualTo(parent);
    assertThat(child.json().getString("priority_reason"))
        .isEqualTo("submitted as batch; runs at critical, the level of its parent " + parent);
    assertThat(awaitState(child.json().getString("id"), "SUCCEEDED", "FAILED").getString("state"))
        .isEqualTo("SUCCEEDED");

    Reply orphan =
        post(
            "/api/v1/tasks",
            Json.createObjectBuilder(json(chat(unique("orphan child"), "batch")))
                .add("parent", UUID.randomUUID().toString())
                .build()
                .toString());
    assertThat(orphan.status()).isEqualTo(400);
    assertThat(orphan.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("parent");
  }
}
