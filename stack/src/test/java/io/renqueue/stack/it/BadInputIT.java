package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input gets a 4xx problem+json and leaves no stack trace in the response or the log. */
class BadInputIT {

  static Stream<Arguments> badSubmissions() {
    String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
    return Stream.of(
        Arguments.of("malformed JSON", "{\"model\":", 400, "malformed-json"),
        Arguments.of("not an object", "\"just text\"", 400, "malformed-json"),
        Arguments.of("an empty batch", "[]", 400, "invalid-request"),
        Arguments.of("empty body", "", 400, "malformed-json"),
        Arguments.of("missing messages", "{\"model\":\"sim-small\"}", 400, "invalid-request"),
        Arguments.of(
            "empty messages", "{\"model\":\"sim-small\",\"messages\":[]}", 400, "invalid-request"),
        Arguments.of(
            "unknown priority",
            "{\"model\":\"sim-small\",\"priority\":\"asap\"," + msgs + "}",
            400,
            "invalid-request"),
        Arguments.of(
            "unknown type",
            "{\"type\":\"video\",\"model\":\"sim-small\"," + msgs + "}",
            400,
            "invalid-request"),
        Arguments.of("missing model", "{" + msgs + "}", 400, "invalid-request"),
        Arguments.of(
            "control character in model",
            "{\"model\":\"a\\u0000b\"," + msgs + "}",
            400,
            "invalid-request"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSubmissions")
  void badSubmissionsAreProblems(String what, String body, int status, String type) {
    assertProblem(post("/api/v1/tasks", body), status, type);
  }

  @Test
  void invalidFieldsAreListedOneByOne() {
    Reply r = post("/api/v1/tasks", "{\"priority\":\"asap\",\"messages\":[]}");
    assertProblem(r, 400, "invalid-request");
    assertThat(r.json().getJsonArray("errors"))
        .extracting(e -> e.asJsonObject().getString("field"))
        .containsExactlyInAnyOrder("model", "priority", "messages");
  }

  @Test
  void aBodyOverOneMebibyteIsRefused() {
    String huge = chat("x".repeat(1024 * 1024 + 10), "normal");
    assertProblem(post("/api/v1/tasks", huge), 413, "payload-too-large");
  }

  @Test
  void unknownIdsAre404() {
    assertProblem(get("/api/v1/tasks/" + UUID.randomUUID()), 404, "not-found");
    assertProblem(get("/api/v1/tasks/not-a-uuid"), 404, "not-found");
    assertProblem(delete("/api/v1/tasks/" + UUID.randomUUID()), 404, "not-found");
    assertProblem(get("/api/v1/nothing-here"), 404, "not-found");
  }

  @Test
  void pathsOutsideTheApiAreProblemsToo() {
    assertProblem(get("/nothing-here"), 404, "not-found");
    assertProblem(get("/api/v2/tasks"), 404, "not-found");
  }

  @Test
  void wrongMediaTypeAndMethodAreProblems() {
    assertProblem(
        send(
            HttpRequest.newBuilder(URI.create(API + "/api/v1/tasks"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))),
        415,
        "unsupported-media-type");
    assertProblem(
        send(
            HttpRequest.newBuilder(URI.create(API + "/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))),
        405,
        "method-not-allowed");
  }

  @Test
  void badListingParametersAreProblems() {
    Reply r = get("/api/v1/tasks?state=DONE&limit=9999&cursor=zzz");
    assertProblem(r, 400, "invalid-request");
    assertThat(r.json().getJsonArray("errors")).hasSize(3);
  }

  @Test
  void badInputLeavesNoStackTraceInTheServerLog() throws Exception {
    Path log = serverLog("it-api");
    long before = Files.size(log);
    post("/api/v1/tasks", "{oops");
    post("/api/v1/tasks", "{\"model\":\"m\",\"messages\":[]}");
    get("/api/v1/tasks/" + UUID.randomUUID());
    post("/api/v1/tasks", chat("y".repeat(1024 * 1024 + 1), "low"));
    byte[] all = Files.readAllBytes(log);
    // Bytes, not characters: the log holds non-ASCII text too.
    String added =
        new String(
            java.util.Arrays.copyOfRange(all, (int) Math.min(before, all.length), all.length),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(added).doesNotContain("\tat ").doesNotContainIgnoringCase("exception");
  }

  private static void assertProblem(Reply r, int status, String type) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().getString("type")).isEqualTo("urn:renqueue:problem:" + type);
    assertThat(r.json().getInt("status")).isEqualTo(status);
    assertThat(r.json().getString("detail")).isNotBlank();
    assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception");
  }
}
