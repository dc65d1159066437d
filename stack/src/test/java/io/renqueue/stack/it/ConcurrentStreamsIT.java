package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An open SSE stream costs the API server a listener entry, not a broker connection or a thread: a
 * thousand of them wait at once on one server, each behind busy slots, and every one of them
 * receives its whole answer and the closing {@code [DONE]}.
 */
class ConcurrentStreamsIT {

  private static final int STREAMS = 1000;

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void aThousandStreamsOpenAtOnceOnOneServerAllCompleteWithTheirWholeAnswer() throws Exception {
    holdBothSlots();
    String run = unique("many streams");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    List<CompletableFuture<HttpResponse<Stream<String>>>> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      String body =
          "{\"model\":\"sim-small\",\"stream\":true,\"max_tokens\":8,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\""
              + run
              + " "
              + i
              + "\"}]}";
      streams.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(API + "/v1/chat/completions"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofMinutes(5))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofLines()));
    }

    // Every stream is open on the server at the same moment, their tasks waiting for a slot.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .alias(STREAMS + " streams open at once")
        .until(() -> openStreams() >= STREAMS);
    System.out.printf(
        "%.0f streams open; API server heap used %.0f MiB%n", openStreams(), heapUsedMiB());

    healthySimulators();
    int completed = 0;
    for (CompletableFuture<HttpResponse<Stream<String>>> f : streams) {
      HttpResponse<Stream<String>> r = f.get(5, TimeUnit.MINUTES);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      List<String> data;
      try (Stream<String> lines = r.body()) {
        data = lines.filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).toList();
      }
      assertThat(data).as("chunks, then [DONE]").hasSizeGreaterThan(1).last().isEqualTo("[DONE]");
      assertThat(String.join("", data.subList(0, data.size() - 1)))
          .as("the answer came as content chunks")
          .contains("\"content\":\"");
      completed++;
    }
    assertThat(completed).isEqualTo(STREAMS);
    await()
        .atMost(Duration.ofSeconds(30))
        .alias("no stream left open on the server")
        .until(() -> openStreams() == 0);
  }

  private static double openStreams() {
    return metric("renqueue_openai_streams_open\\{[^}]*} ([0-9.E]+)");
  }

  private static double heapUsedMiB() {
    return metric("memory_usedHeap_bytes\\{[^}]*} ([0-9.E]+)") / (1024 * 1024);
  }

  private static double metric(String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(get(API + "/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
