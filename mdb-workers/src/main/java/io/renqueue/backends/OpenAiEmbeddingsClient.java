package io.renqueue.backends;

import io.renqueue.ratelimit.RateLimitHeaders;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls {@code POST {baseUrl}/embeddings} on an OpenAI-compatible server. The vectors come back as
 * the answer's text: a JSON array of {@code {"index", "embedding": [floats]}}, always asked for as
 * floats (a client that wants base64 gets it converted).
 */
public class OpenAiEmbeddingsClient implements BackendOperation {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public ChatAnswer perform(BackendTarget target, String requestJson, Relay relay)
      throws InterruptedException {
    JsonObject request;
    try (var reader = Json.createReader(new StringReader(requestJson))) {
      request = reader.readObject();
    }
    JsonObject body =
        Json.createObjectBuilder(request)
            .add("model", target.upstreamModel())
            .add("encoding_format", "float")
            .build();
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(trim(target.baseUrl()) + "/embeddings"))
            .timeout(target.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (target.apiKey() != null && !target.apiKey().isBlank()) {
      r.header("Authorization", "Bearer " + target.apiKey());
    }
    long start = System.nanoTime();
    HttpResponse<String> response;
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString());
    try {
      // The whole answer within the timeout: a request timeout alone stops at the headers.
      response = exchange.get(target.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new RetryableBackendException(
          "no answer within " + target.timeout().toMillis() + " ms");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw new RetryableBackendException(
          e.getCause() instanceof IOException
              ? "connection failed (" + e.getCause().getClass().getSimpleName() + ")"
              : "call failed (" + e.getCause().getClass().getSimpleName() + ")");
    }
    long latency = (System.nanoTime() - start) / 1_000_000;
    int status = response.statusCode();
    Instant cooldown =
        RateLimitHeaders.cooldownUntil(
                RateLimitHeaders.of(response.headers().map()), status, Instant.now())
            .orElse(null);
    if (status != 200) {
      String why = "HTTP " + status;
      throw FailureClassifier.isRetryable(status)
          ? new RetryableBackendException(why, status, cooldown)
          : new RejectedByBackendException(why, status, cooldown);
    }
    try (var reader = Json.createReader(new StringReader(response.body()))) {
      JsonObject json = reader.readObject();
      JsonArrayBuilder vectors = Json.createArrayBuilder();
      for (JsonValue item : json.getJsonArray("data")) {
        JsonObject o = item.asJsonObject();
        JsonArray embedding = o.getJsonArray("embedding");
        vectors.add(
            Json.createObjectBuilder()
                .add("index", o.getInt("index", 0))
                .add("embedding", embedding));
      }
      JsonObject usage =
          json.containsKey("usage") && !json.isNull("usage") ? json.getJsonObject("usage") : null;
      return new ChatAnswer(
          target.name(),
          vectors.build().toString(),
          null,
          usage == null ? null : usage.getInt("prompt_tokens", 0),
          0,
          latency,
          latency,
          cooldown);
    } catch (RuntimeException e) {
      throw new RetryableBackendException(
          "unreadable answer (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
