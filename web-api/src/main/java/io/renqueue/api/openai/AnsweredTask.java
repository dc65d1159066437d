package io.renqueue.api.openai;

import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskJson;
import io.renqueue.tasks.TaskState;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;

/**
 * What an OpenAI-shaped answer needs of a task, read from the ended task a worker announced (its
 * {@link TaskJson} form) or, when no announcement came, from the database.
 */
record AnsweredTask(
    String id,
    TaskState state,
    String text,
    String finishReason,
    Integer promptTokens,
    Integer completionTokens,
    String errorCode,
    String errorMessage,
    Instant finishedAt) {

  static AnsweredTask of(Task t) {
    return of(TaskJson.render(t));
  }

  static AnsweredTask of(JsonObject task) {
    JsonObject result = object(task, "result");
    JsonObject error = object(task, "error");
    JsonObject usage = object(task, "usage");
    return new AnsweredTask(
        task.getString("id"),
        TaskState.valueOf(task.getString("state")),
        string(result, "text"),
        string(result, "finish_reason"),
        integer(usage, "prompt_tokens"),
        integer(usage, "completion_tokens"),
        string(error, "code"),
        string(error, "message"),
        task.containsKey("finished_at") ? Instant.parse(task.getString("finished_at")) : null);
  }

  boolean ended() {
    return state.isTerminal();
  }

  private static JsonObject object(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v instanceof JsonObject j ? j : JsonValue.EMPTY_JSON_OBJECT;
  }

  private static String string(JsonObject o, String name) {
    return o.containsKey(name) && !o.isNull(name) ? o.getString(name) : null;
  }

  private static Integer integer(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.intValue() : null;
  }
}
