package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin API changes the backend registry of every server at run time, behind a token. */
class BackendAdminIT {

  private static final String ADDED =
      """
      {"url": "%s/v1", "kind": "cloud-free", "api_key_env": "RENQUEUE_IT_UNSET_KEY",
       "models": [{"alias": "runtime-model", "upstream": "sim-limited", "context": 4096}],
       "tags": {"added": "at-run-time"}}
      """
          .formatted(SIM_C);

  @AfterEach
  void removeAdded() {
    if (admin("DELETE", "/api/v1/backends/rt-1", null).status() == 200) {
      pauseForEveryServerToReRead();
    }
    healthySimulators();
  }

  @Test
  void theAdminApiRefusesCallsWithoutTheTokenAsProblems() {
    Reply none = get("/api/v1/backends");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.contentType()).startsWith("application/problem+json");
    assertThat(none.json().getString("detail")).contains("Authorization: Bearer");

    Reply wrong =
        send(
            HttpRequest.newBuilder(URI.create(API + "/api/v1/splits"))
                .header("Authorization", "Bearer not-the-token")
                .GET());
    assertThat(wrong.status()).isEqualTo(401);
    Reply put =
        send(
            HttpRequest.newBuilder(URI.create(API + "/api/v1/backends/rt-1"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(ADDED)));
    assertThat(put.status()).isEqualTo(401);
    assertThat(admin("GET", "/api/v1/backends/rt-1", null).status()).isEqualTo(404);
  }

  @Test
  void aBackendAddedAtRunTimeServesItsModelAndRemovingItStopsThat() {
    Reply before = post("/api/v1/tasks", chat("runtime-model", unique("before"), "normal"));
    JsonObject unserved = awaitState(before.json().getString("id"), "FAILED");
    assertThat(unserved.getJsonObject("error").getString("code")).isEqualTo("no_backend");

    Reply put = admin("PUT", "/api/v1/backends/rt-1", ADDED);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().getString("source")).isEqualTo("api");
    pauseForEveryServerToReRead();

    String id =
        post("/api/v1/tasks", chat("runtime-model", unique("added"), "normal"))
            .json()
            .getString("id");
    JsonObject done = awaitState(id, "SUCCEEDED", "FAILED");
    assertThat(done.getString("state")).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.getString("backend")).isEqualTo("rt-1");
    assertThat(get("/v1/models").body()).contains("runtime-model");

    JsonObject listed = admin("GET", "/api/v1/backends", null).json();
    assertThat(listed.toString())
        .contains("\"name\":\"sim-a\"")
        .contains("\"source\":\"config\"")
        .contains("\"name\":\"rt-1\"")
        .contains("\"api_key_env\":\"RENQUEUE_IT_UNSET_KEY\"");

    assertThat(admin("DELETE", "/api/v1/backends/rt-1", null).status()).isEqualTo(200);
    pauseForEveryServerToReRead();
    String after =
        post("/api/v1/tasks", chat("runtime-model", unique("after"), "normal"))
            .json()
            .getString("id");
    assertThat(awaitState(after, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("FAILED");
    assertThat(get("/v1/models").body()).doesNotContain("runtime-model");
  }

  @Test
  void aChangedDefinitionTakesEffectOnEveryServer() {
    assertThat(admin("PUT", "/api/v1/backends/rt-1", ADDED).status()).isEqualTo(200);
    // The same backend, now sending its requests where nothing listens: tasks fail over to
    // nothing and name the new URL's failure.
    Reply changed =
        admin(
            "PUT",
            "/api/v1/backends/rt-1",
            ADDED.replace(SIM_C, "http://127.0.0.1:1").replace("\"cloud-free\"", "\"local\""));
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().getString("kind")).isEqualTo("local");
    pauseForEveryServerToReRead();
    String id =
        post("/api/v1/tasks", chat("runtime-model", unique("moved"), "normal"))
            .json()
            .getString("id");
    JsonObject done = awaitState(id, "SUCCEEDED", "FAILED");
    assertThat(done.getString("state")).isEqualTo("FAILED");
    assertThat(done.getJsonObject("error").getString("message")).contains("rt-1");
  }

  @Test
  void anInvalidDefinitionIsAProblemNamingTheFieldAndChangesNothing() {
    Reply bad =
        admin("PUT", "/api/v1/backends/rt-1", "{\"url\": \"http://h/v1\", \"kind\": \"gpu\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat(bad.json().getString("detail")).contains("kind").contains("cloud-paid");

    Reply secret =
        admin("PUT", "/api/v1/backends/rt-1", "{\"url\": \"http://h/v1\", \"api_key\": \"sk-x\"}");
    assertThat(secret.status()).isEqualTo(400);
    assertThat(secret.json().getString("detail")).contains("unknown field 'api_key'");
    assertThat(admin("PUT", "/api/v1/backends/Bad%20Name", "{\"url\": \"http://h/v1\"}").status())
        .isEqualTo(400);
    assertThat(admin("PUT", "/api/v1/backends/rt-1", "not json").status()).isEqualTo(400);
    assertThat(admin("GET", "/api/v1/backends/rt-1", null).status()).isEqualTo(404);
    assertThat(serverLogs()).doesNotContain("sk-x");
  }

  private static void pauseForEveryServerToReRead() {
    try {
      Thread.sleep(1100); // every server re-reads the registry at most a second old
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String serverLogs() {
    try {
      return java.nio.file.Files.readString(serverLog("it-api"))
          + java.nio.file.Files.readString(serverLog("it-worker"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
