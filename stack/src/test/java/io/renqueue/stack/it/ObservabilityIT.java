package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** /health, /metrics, /openapi and the Admin Center answer as the README says. */
class ObservabilityIT {

  @Test
  void healthIsUpWithDatabaseAndDispatchChecks() {
    JsonObject health = get(API + "/health/ready").json();
    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getJsonArray("checks"))
        .extracting(c -> c.asJsonObject().getString("name"))
        .contains("database", "dispatch");
    assertThat(get(WORKER + "/health").json().getString("status")).isEqualTo("UP");
  }

  @Test
  void metricsShowTasksQueuesAndBackendLatencyInPrometheusFormat() {
    healthySimulators();
    awaitState(submit(unique("metrics"), "low"), "SUCCEEDED");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              String api = get(API + "/metrics").body();
              assertThat(api)
                  .contains(
                      "renqueue_queue_depth{",
                      "priority=\"critical\"",
                      "renqueue_tasks_accepted_total{");
              String worker = get(WORKER + "/metrics").body();
              assertThat(worker)
                  .contains(
                      "renqueue_tasks_finished_total{",
                      "state=\"succeeded\"",
                      "renqueue_backend_call_seconds",
                      "renqueue_queue_wait_seconds");
            });
  }

  @Test
  void theQueueViewListsEveryLevelWithWaitingAndRunningCounts() {
    JsonObject queues = get("/api/v1/queues").json();
    assertThat(queues.getJsonArray("levels"))
        .extracting(l -> l.asJsonObject().getString("priority"))
        .containsExactly("critical", "high", "normal", "low", "batch");
    assertThat(queues.getJsonNumber("queued").longValue()).isNotNegative();
    assertThat(queues.getJsonArray("levels").getJsonObject(0).containsKey("aged")).isTrue();
  }

  @Test
  void openApiDescribesTheTaskApiAndServesItsUi() {
    String doc = get(API + "/openapi").body();
    assertThat(doc)
        .contains("/api/v1/tasks", "/api/v1/queues", "/api/v1/usage", "TaskRequest", "Problem");
    assertThat(get(API + "/openapi/ui/").status()).isEqualTo(200);
  }

  @Test
  void theAdminCenterLetsTheConfiguredAdministratorInAndNoOneElse() throws Exception {
    String password = adminPassword();
    assertThat(adminToolbox("admin", password)).isEqualTo(200);
    assertThat(adminToolbox("admin", password + "x")).isEqualTo(401);
    assertThat(adminToolbox("admin", "")).isEqualTo(401);
  }

  private static int adminToolbox(String user, String password) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    // The local stack's keystore is self-signed; trust it for this loopback check only.
    tls.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            public void checkServerTrusted(X509Certificate[] c, String a) {}

            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return https
        .send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:19443/ibm/api/adminCenter/v1/toolbox"))
                .header("Authorization", "Basic " + auth)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String adminPassword() {
    return stackVariable("admin.password");
  }
}
