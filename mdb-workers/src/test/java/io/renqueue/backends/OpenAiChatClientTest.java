package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.renqueue.simulator.BackendSimulator;
import io.renqueue.simulator.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the project's OpenAI-compatible simulator, over real HTTP. */
class OpenAiChatClientTest {

  private static final String REQUEST =
      "{\"model\":\"sim-small\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"say hi\"}]}";

  private BackendSimulator sim;
  private final OpenAiChatClient client = new OpenAiChatClient();

  @BeforeEach
  void start() throws Exception {
    sim =
        new BackendSimulator(
                "127.0.0.1",
                0,
                new SimulatorSettings(
                    "sim",
                    List.of("sim-small"),
                    0,
                    0,
                    0,
                    500,
                    0,
                    false,
                    "sk-test",
                    java.util.Map.of()))
            .start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private BackendTarget backend(String key) {
    return new BackendTarget(
        "sim", "http://127.0.0.1:" + sim.port() + "/v1/", key, "sim-small", Duration.ofMillis(800));
  }

  @Test
  void aCompletionBecomesAnAnswerWithUsageEvenWhenTheRequestAskedToStream() throws Exception {
    ChatAnswer a = client.complete(backend("sk-test"), REQUEST);

    assertThat(a.backend()).isEqualTo("sim");
    assertThat(a.text()).startsWith("[sim-small] say hi");
    assertThat(a.finishReason()).isEqualTo("stop");
    assertThat(a.promptTokens()).isEqualTo(2);
    assertThat(a.completionTokens()).isPositive();
  }

  @Test
  void aWrongApiKeyIsARejectionNotARetry() {
    assertThatThrownBy(() -> client.complete(backend("sk-wrong"), REQUEST))
        .isInstanceOf(RejectedByBackendException.class)
        .hasMessageContaining("HTTP 401");
  }

  @Test
  void serverErrorsAndRateLimitsAreRetryable() throws Exception {
    configure("{\"error_rate\":1.0,\"error_status\":503}");
    assertThatThrownBy(() -> client.complete(backend("sk-test"), REQUEST))
        .isInstanceOf(RetryableBackendException.class)
        .hasMessageContaining("HTTP 503");

    configure("{\"error_rate\":0,\"requests_per_minute\":1}");
    client.complete(backend("sk-test"), REQUEST);
    assertThatThrownBy(() -> client.complete(backend("sk-test"), REQUEST))
        .isInstanceOf(RetryableBackendException.class)
        .hasMessageContaining("HTTP 429");
  }

  @Test
  void aHungBackendTimesOutAsRetryable() throws Exception {
    configure("{\"hang\":true}");
    assertThatThrownBy(() -> client.complete(backend("sk-test"), REQUEST))
        .isInstanceOf(RetryableBackendException.class)
        .hasMessageContaining("no answer within 800 ms");
  }

  @Test
  void aClosedPortIsARetryableConnectionFailure() {
    BackendTarget closed =
        new BackendTarget("gone", "http://127.0.0.1:1/v1", null, "m", Duration.ofSeconds(1));
    assertThatThrownBy(() -> client.complete(closed, REQUEST))
        .isInstanceOf(RetryableBackendException.class)
        .hasMessageContaining("connection failed");
  }

  @Test
  void theRequestGoesOutUnderTheBackendsOwnModelName() throws Exception {
    BackendTarget aliased =
        new BackendTarget(
            "sim",
            "http://127.0.0.1:" + sim.port() + "/v1",
            "sk-test",
            "sim-small",
            Duration.ofSeconds(2));
    String asAlias = REQUEST.replace("\"sim-small\"", "\"friendly-name\"");
    assertThat(client.complete(aliased, asAlias).text()).startsWith("[sim-small]");
  }

  @Test
  void timeToFirstTokenIsMeasuredApartFromTheWholeAnswer() throws Exception {
    configure("{\"first_token_ms\":150,\"tokens_per_second\":50}");
    ChatAnswer a = client.complete(slow(), REQUEST);
    assertThat(a.firstTokenMs()).isBetween(150L, a.latencyMs());
    assertThat(a.latencyMs() - a.firstTokenMs()).isGreaterThanOrEqualTo(20L);
  }

  @Test
  void aStreamCutBeforeItsEndIsARetryableFailureNeverAnAnswer() throws Exception {
    configure("{\"cut_after_tokens\":2}");
    assertThatThrownBy(() -> client.complete(backend("sk-test"), REQUEST))
        .isInstanceOf(RetryableBackendException.class)
        .hasMessageContaining("stream ended early");
  }

  @Test
  void aBackendThatHangsAfterTheFirstTokenTimesOut() throws Exception {
    configure("{\"hang_after_tokens\":1}");
    assertThatThrownBy(() -> client.complete(backend("sk-test"), REQUEST))
        .isInstanceOf(RetryableBackendException.class)
        .hasMessageContaining("no answer within 800 ms");
  }

  @Test
  void a429CarriesTheCooldownTheBackendAskedFor() throws Exception {
    configure("{\"requests_per_minute\":1}");
    client.complete(backend("sk-test"), REQUEST);
    assertThatThrownBy(() -> client.complete(backend("sk-test"), REQUEST))
        .isInstanceOfSatisfying(
            RetryableBackendException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.cooldownUntil()).isAfter(java.time.Instant.now());
            });
  }

  private BackendTarget slow() {
    return new BackendTarget(
        "sim",
        "http://127.0.0.1:" + sim.port() + "/v1",
        "sk-test",
        "sim-small",
        Duration.ofSeconds(5));
  }

  private void configure(String json) throws Exception {
    HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + "/sim/config"))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
