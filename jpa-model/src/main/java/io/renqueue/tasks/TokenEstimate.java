package io.renqueue.tasks;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * What a request will cost in tokens before any backend has counted them: about four characters of
 * text per token plus a few per message, plus the answer it may produce ({@code max_tokens}, or a
 * default when it sets none). Fair share charges this when a task starts and the real usage when it
 * succeeds, so a rough estimate only shifts credit for the time the task runs.
 */
public final class TokenEstimate {

  /** Answer length assumed for a request that sets no max_tokens. */
  public static final int DEFAULT_COMPLETION_TOKENS = 256;

  private static final int CHARS_PER_TOKEN = 4;
  private static final int TOKENS_PER_MESSAGE = 4;

  private TokenEstimate() {}

  public static int of(JsonObject request) {
    long chars = 0;
    long messages = 0;
    if (request.get("messages") instanceof JsonArray list) {
      for (JsonValue m : list) {
        messages++;
        if (m instanceof JsonObject message) {
          chars += textLength(message.get("content"));
        }
      }
    }
    if (request.get("input") != null) {
      chars += textLength(request.get("input"));
    }
    long prompt = (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + messages * TOKENS_PER_MESSAGE;
    return (int) Math.min(Integer.MAX_VALUE, prompt + completionBudget(request));
  }

  /** Tokens of the request itself: the estimate without the answer. */
  public static int promptOf(JsonObject request) {
    return of(request) - completionBudget(request);
  }

  /**
   * The answer budget: max_completion_tokens, max_tokens, or the default; none for an embedding (a
   * request with input texts and no messages).
   */
  public static int completionBudget(JsonObject request) {
    if (!request.containsKey("messages") && request.containsKey("input")) {
      return 0;
    }
    for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
      if (request.get(field) instanceof JsonNumber n && n.isIntegral() && n.longValue() > 0) {
        return (int) Math.min(Integer.MAX_VALUE, n.longValue());
      }
    }
    return DEFAULT_COMPLETION_TOKENS;
  }

  /** Characters of text in a string, an array of strings or an array of content parts. */
  private static long textLength(JsonValue content) {
    if (content instanceof JsonString s) {
      return s.getString().length();
    }
    long total = 0;
    if (content instanceof JsonArray parts) {
      for (JsonValue part : parts) {
        if (part instanceof JsonString s) {
          total += s.getString().length();
        } else if (part instanceof JsonObject o && o.get("text") instanceof JsonString text) {
          total += text.getString().length();
        }
      }
    }
    return total;
  }
}
