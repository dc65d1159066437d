package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client submitting a task every 200 ms to one scheduler while a chaos test breaks something,
 * keeping what the API answered: accepted tasks (202), refusals (503), and anything else.
 */
final class SubmissionLoad implements AutoCloseable {

  final Map<String, String> accepted = new ConcurrentHashMap<>(); // id -> prompt
  final List<HttpResponse<String>> refused = new CopyOnWriteArrayList<>();
  final List<String> unexpected = new CopyOnWriteArrayList<>();

  /** Every answer: when it was asked (System.nanoTime), how long it took, what it was. */
  record Answer(long askedNanos, long millis, int status, String waitingReason) {}

  final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong slowestMs =
      new java.util.concurrent.atomic.AtomicLong();

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread client;

  SubmissionLoad(String scheduler, String what) {
    client =
        new Thread(
            () -> {
              int i = 0;
              while (running.get()) {
                String prompt = unique(what + " " + i++);
                long start = System.nanoTime();
                try {
                  HttpResponse<String> r = post(scheduler, prompt);
                  long ms = (System.nanoTime() - start) / 1_000_000;
                  slowestMs.accumulateAndGet(ms, Math::max);
                  String reason = null;
                  if (r.statusCode() == 202) {
                    JsonObject task = json(r.body());
                    accepted.put(task.getString("id"), prompt);
                    reason = task.getString("waiting_reason", null);
                  }
                  answers.add(new Answer(start, ms, r.statusCode(), reason));
                  if (r.statusCode() == 503) {
                    refused.add(r);
                  } else if (r.statusCode() != 202) {
                    unexpected.add(r.statusCode() + " " + r.body());
                  }
                } catch (RuntimeException e) {
                  unexpected.add(e.toString());
                }
                sleep(200);
              }
            },
            "chaos-load");
    client.start();
  }

  /** The answers to submissions asked between the two instants (System.nanoTime). */
  List<Answer> answersBetween(long fromNanos, long toNanos) {
    return answers.stream()
        .filter(a -> a.askedNanos() >= fromNanos && a.askedNanos() <= toNanos)
        .toList();
  }

  /** True once a submission sent after {@code since} was accepted. */
  boolean acceptingSince(int acceptedBefore) {
    return accepted.size() > acceptedBefore;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    client.join();
  }

  /** The longest the API took to answer a submission, in ms. */
  long slowestMs() {
    return slowestMs.get();
  }

  /**
   * What every chaos test under load asserts: only 202 or 503 (problem+json with Retry-After), and
   * each accepted task SUCCEEDED, answered in full once.
   */
  void assertNothingAcceptedWasLost(int atLeastAccepted) {
    System.out.printf(
        "Load: %d accepted, %d refused (503), slowest answer %d ms%n",
        accepted.size(), refused.size(), slowestMs());
    assertThat(unexpected).as("only 202 or 503").isEmpty();
    for (HttpResponse<String> r : refused) {
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
    assertThat(accepted).hasSizeGreaterThan(atLeastAccepted);
    for (Map.Entry<String, String> t : accepted.entrySet()) {
      JsonObject done = awaitEnded(t.getKey(), Duration.ofMinutes(3));
      assertThat(done.getString("state")).as(done.toString()).isEqualTo("SUCCEEDED");
      assertThat(completions(t.getValue())).as("answered in full once: " + done).isEqualTo(1);
    }
  }

  private static HttpResponse<String> post(String scheduler, String prompt) {
    String body =
        Json.createObjectBuilder()
            .add("model", "sim-small")
            .add("max_tokens", 16)
            .add(
                "messages",
                Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("role", "user").add("content", prompt)))
            .build()
            .toString();
    return send(
        HttpRequest.newBuilder(URI.create(url(scheduler) + "/api/v1/tasks"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }
}
