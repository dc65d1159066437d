package io.renqueue.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** HTTP calls the benchmark parts share: submitting chat tasks, the admin API, the simulators. */
final class BenchHttp {

  private final HttpClient http = HttpClient.newHttpClient();
  private final String api;
  private final String adminToken;

  BenchHttp(String api, String adminToken) {
    this.api = api;
    this.adminToken = adminToken;
  }

  /** Submits a chat task for {@code model}; true when it was accepted (202). */
  boolean submit(String model, String prompt, String priority) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/api/v1/tasks"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Json.createObjectBuilder()
                              .add("model", model)
                              .add("priority", priority)
                              .add("max_tokens", 16)
                              .add(
                                  "messages",
                                  Json.createArrayBuilder()
                                      .add(
                                          Json.createObjectBuilder()
                                              .add("role", "user")
                                              .add("content", prompt)))
                              .build()
                              .toString()))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 202;
    } catch (Exception e) {
      return false;
    }
  }

  /** An admin API call; fails the benchmark unless it answers 200. */
  JsonObject admin(String method, String path, String json) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Authorization", "Bearer " + adminToken);
    r =
        json == null
            ? r.method(method, HttpRequest.BodyPublishers.noBody())
            : r.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
    HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return read(response.body());
  }

  /** POSTs to a simulator's control endpoint ({@code /sim/config}, {@code /sim/stats}, …). */
  void simulator(String url, String body) throws Exception {
    http.send(
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  JsonObject simulatorStats(String sim) throws Exception {
    return read(
        http.send(
                HttpRequest.newBuilder(URI.create(sim + "/sim/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static JsonObject read(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }
}
