package io.renqueue.api.openai;

import io.renqueue.dispatch.AnswerListener;
import io.renqueue.tasks.TaskState;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One chat completion streamed to its client as server-sent events in OpenAI's chunk format: the
 * text the worker relays as it is produced, then the end as the ended task says (finish reason,
 * usage, or the error). Events are written in order by one pool thread at a time, never by the
 * listener that hears them; text that piles up for a slow client beyond {@link #MAX_PENDING_CHARS}
 * stops the relay, and the client gets the rest from the stored answer at the end.
 */
final class StreamedAnswer implements AnswerListener {

  private static final Logger LOG = Logger.getLogger(StreamedAnswer.class.getName());
  static final int MAX_PENDING_CHARS = 1 << 20;

  private final SseEventSink sink;
  private final Sse sse;
  private final Executor writers;
  private String chunkId;
  private final long created = Instant.now().getEpochSecond();
  private final String model;
  private final Consumer<StreamedAnswer> closed;

  private final ArrayDeque<Runnable> mailbox = new ArrayDeque<>();
  private boolean writing;
  private boolean started;
  private int pendingChars;
  private boolean relayBroken;

  private final StringBuilder sent = new StringBuilder();
  private volatile boolean done;
  private volatile long lastWriteNanos = System.nanoTime();
  volatile UUID task;
  final String tenant;
  final Instant deadline;
  final long waitSeconds;
  String key;

  StreamedAnswer(
      SseEventSink sink,
      Sse sse,
      Executor writers,
      String tenant,
      String model,
      long waitSeconds,
      Consumer<StreamedAnswer> closed) {
    this.sink = sink;
    this.sse = sse;
    this.writers = writers;
    this.tenant = tenant;
    this.model = model;
    this.waitSeconds = waitSeconds;
    this.deadline = Instant.now().plusSeconds(waitSeconds);
    this.closed = closed;
  }

  boolean done() {
    return done;
  }

  long idleNanos() {
    return System.nanoTime() - lastWriteNanos;
  }

  /**
   * The task is stored: the first chunk goes out, as OpenAI sends it (the assistant's role and no
   * text yet), ahead of whatever the worker relayed meanwhile.
   */
  void start(UUID id) {
    synchronized (this) {
      task = id;
      chunkId = "chatcmpl-" + id;
      started = true;
      mailbox.addFirst(
          () ->
              event(
                  chunk(
                      Json.createObjectBuilder().add("role", "assistant").add("content", ""),
                      null,
                      null)));
      if (writing) {
        return;
      }
      writing = true;
    }
    writers.execute(this::drain);
  }

  /** Ends the stream without a word: the submission was refused and the client gets a problem. */
  void abandon() {
    done = true;
    closed.accept(this);
  }

  @Override
  public void text(String delta) {
    synchronized (this) {
      if (relayBroken) {
        return;
      }
      if (pendingChars + delta.length() > MAX_PENDING_CHARS) {
        relayBroken = true;
        LOG.warning(() -> "Task " + task + ": client reads too slowly; the rest comes at the end");
        return;
      }
    }
    post(
        () -> {
          sent.append(delta);
          event(chunk(Json.createObjectBuilder().add("content", delta), null, null));
        },
        delta.length());
  }

  @Override
  public void ended(String taskJson) {
    if (taskJson.isBlank()) {
      return;
    }
    JsonObject task;
    try (var reader = Json.createReader(new StringReader(taskJson))) {
      task = reader.readObject();
    }
    finish(AnsweredTask.of(task));
  }

  /** A keep-alive comment: also finds a client that went away (the write fails). */
  void keepAlive() {
    post(() -> comment("waiting"), 0);
  }

  void finish(AnsweredTask t) {
    if (!t.ended()) {
      return;
    }
    post(() -> end(t), 0);
  }

  void timeOut() {
    post(
        () -> {
          errorEvent(
              "timeout",
              "The task did not end within "
                  + waitSeconds
                  + " s; it goes on: GET /api/v1/tasks/"
                  + task,
              "still_running");
          close();
        },
        0);
  }

  private void end(AnsweredTask t) {
    if (done) {
      return;
    }
    if (t.state() != TaskState.SUCCEEDED) {
      errorEvent(
          t.state() == TaskState.FAILED ? "backend_error" : "task_" + t.state().wireName(),
          t.errorMessage() == null ? "The task ended " + t.state() : t.errorMessage(),
          t.errorCode());
      close();
      return;
    }
    String result = t.text() == null ? "" : t.text();
    if (!result.startsWith(sent.toString())) {
      // Another worker ran the task again from the start (its first worker died): the client's
      // text cannot be spliced with the stored answer.
      errorEvent(
          "stream_restarted",
          "The task was run again after its worker was lost; read the stored answer: GET /api/v1/tasks/"
              + task,
          "stream_restarted");
      close();
      return;
    }
    if (result.length() > sent.length()) {
      event(
          chunk(
              Json.createObjectBuilder().add("content", result.substring(sent.length())),
              null,
              null));
    }
    event(
        chunk(
            Json.createObjectBuilder(), ChatCompletionsResource.finishReason(t.finishReason()), t));
    send("[DONE]");
    close();
  }

  private void close() {
    if (done) {
      return;
    }
    done = true;
    try {
      sink.close();
    } catch (RuntimeException e) {
      // the client is gone already
    }
    closed.accept(this);
  }

  /** Runs {@code write} after every earlier one, on a pool thread, one at a time. */
  private void post(Runnable write, int chars) {
    synchronized (this) {
      pendingChars += chars;
      mailbox.add(
          () -> {
            synchronized (this) {
              pendingChars -= chars;
            }
            write.run();
          });
      if (writing || !started) {
        return;
      }
      writing = true;
    }
    writers.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = mailbox.poll();
        if (next == null) {
          writing = false;
          return;
        }
      }
      if (done) {
        continue;
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        LOG.fine(() -> "Task " + task + ": stream to the client ended: " + e);
        close();
      }
    }
  }

  private void errorEvent(String type, String message, String code) {
    JsonObjectBuilder error = Json.createObjectBuilder().add("message", message).add("type", type);
    if (code == null) {
      error.addNull("code");
    } else {
      error.add("code", code);
    }
    send(Json.createObjectBuilder().add("error", error).build().toString());
  }

  private void event(JsonObject chunk) {
    send(chunk.toString());
  }

  private void send(String data) {
    if (sink.isClosed()) {
      throw new IllegalStateException("client closed the stream");
    }
    sink.send(sse.newEvent(data)).toCompletableFuture().join();
    lastWriteNanos = System.nanoTime();
  }

  private void comment(String text) {
    if (sink.isClosed()) {
      throw new IllegalStateException("client closed the stream");
    }
    sink.send(sse.newEventBuilder().comment(text).build()).toCompletableFuture().join();
    lastWriteNanos = System.nanoTime();
  }

  /** One chunk; {@code usageOf} non-null on the last one, which carries the usage. */
  private JsonObject chunk(JsonObjectBuilder delta, String finish, AnsweredTask usageOf) {
    JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
    if (finish == null) {
      choice.addNull("finish_reason");
    } else {
      choice.add("finish_reason", finish);
    }
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", chunkId)
            .add("object", "chat.completion.chunk")
            .add("created", created)
            .add("model", model)
            .add("choices", Json.createArrayBuilder().add(choice));
    if (usageOf != null && usageOf.promptTokens() != null) {
      b.add("usage", ChatCompletionsResource.usage(usageOf));
    }
    return b.build();
  }
}
