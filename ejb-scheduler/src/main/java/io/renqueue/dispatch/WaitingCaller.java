package io.renqueue.dispatch;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One synchronous caller waiting for its task to end: woken with the ended task itself. */
public final class WaitingCaller implements AnswerListener {

  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile String taskJson;
  private String key;

  void key(String key) {
    this.key = key;
  }

  /** What the task carries so that the end can be addressed to this caller. */
  public String key() {
    return key;
  }

  @Override
  public void ended(String taskJson) {
    this.taskJson = taskJson;
    ended.countDown();
  }

  /**
   * Waits up to {@code millis} for the end.
   *
   * @return the ended task as announced, or empty if no announcement came in time
   */
  public Optional<JsonObject> await(long millis) throws InterruptedException {
    if (!ended.await(millis, TimeUnit.MILLISECONDS) || taskJson.isBlank()) {
      return Optional.empty();
    }
    try (var reader = Json.createReader(new StringReader(taskJson))) {
      return Optional.of(reader.readObject());
    }
  }
}
