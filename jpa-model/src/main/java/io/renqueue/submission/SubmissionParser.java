package io.renqueue.submission;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskType;
import io.renqueue.tasks.TokenEstimate;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a submitted JSON document into a {@link Submission}, or explains every field that is wrong.
 * The same rules apply to REST bodies and JMS text messages.
 */
public final class SubmissionParser {

  public static final int MAX_MODEL_LENGTH = 200;
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;
  public static final int MAX_TOKENS_LIMIT = 1_000_000;

  /** The largest submission accepted, whichever way it arrives (1 MiB). */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  /** Fields that steer Ren-Queue and are not forwarded to the backend. */
  private static final Set<String> CONTROL_FIELDS =
      Set.of(
          "type",
          "priority",
          "idempotency_key",
          "deadline",
          "ttl",
          "depends_on",
          "parent",
          "routing");

  /** Routing policies a task may ask for ({@code routing.policy}). */
  public static final List<String> ROUTING_POLICIES =
      List.of("cost", "latency", "quality", "local-only");

  /** The most tasks one task may depend on. */
  public static final int MAX_DEPENDENCIES = 100;

  /** The longest time a task may be given to start. */
  public static final long MAX_TTL_SECONDS = 30L * 24 * 3600;

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");

  public Submission parse(String body) throws InvalidSubmissionException {
    return parse(readObject(body));
  }

  /** One task of a batch, already read as JSON. */
  public Submission parse(JsonObject json) throws InvalidSubmissionException {
    List<FieldError> errors = new ArrayList<>();

    TaskType type = parseType(json, errors);
    String model = requiredString(json, "model", MAX_MODEL_LENGTH, errors);
    Priority priority = parsePriority(json, errors);
    String key = optionalString(json, "idempotency_key", MAX_IDEMPOTENCY_KEY_LENGTH, errors);
    if (type == TaskType.EMBEDDING) {
      validateInput(json, errors);
    } else {
      validateMessages(json, errors);
      validateMaxTokens(json, errors);
      validateTemperature(json, errors);
    }
    Instant deadline = parseDeadline(json, errors);
    Duration ttl = parseTtl(json, errors);
    List<UUID> dependsOn = parseDependencies(json, errors);
    UUID parent = parseParent(json, errors);
    String routing = parseRouting(json, errors);

    if (!errors.isEmpty()) {
      throw new InvalidSubmissionException(
          InvalidSubmissionException.Kind.INVALID_FIELDS,
          errors.size() == 1
              ? "The task request has an invalid field."
              : "The task request has " + errors.size() + " invalid fields.",
          errors);
    }
    return new Submission(
        type,
        model,
        priority,
        key,
        backendRequest(json).toString(),
        deadline,
        ttl,
        dependsOn,
        parent,
        TokenEstimate.of(json),
        routing);
  }

  private static JsonObject readObject(String body) throws InvalidSubmissionException {
    if (body == null || body.isBlank()) {
      throw malformed("The request body is empty; send a JSON object.");
    }
    // A UTF-8 char is at most 3 bytes (surrogate pairs: 4 for 2), so only long bodies need
    // encoding.
    if (body.length() > MAX_BODY_BYTES
        || (body.length() > MAX_BODY_BYTES / 3
            && body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BODY_BYTES)) {
      throw new InvalidSubmissionException(
          InvalidSubmissionException.Kind.TOO_LARGE,
          "The request is larger than the limit of " + MAX_BODY_BYTES + " bytes.",
          List.of());
    }
    JsonValue value;
    try (JsonParser parser = Json.createParser(new StringReader(body))) {
      parser.next();
      value = parser.getValue();
      // A reader would silently ignore whatever follows the first value.
      if (parser.hasNext()) {
        throw malformed("The request body has content after the JSON value.");
      }
    } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
      throw malformed("The request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (value.getValueType() != JsonValue.ValueType.OBJECT) {
      throw malformed("The request body must be a JSON object, not " + describe(value) + ".");
    }
    return value.asJsonObject();
  }

  private static TaskType parseType(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("type") || json.isNull("type")) {
      return TaskType.CHAT;
    }
    if (!(json.get("type") instanceof JsonString s)) {
      errors.add(new FieldError("type", "must be a string"));
      return null;
    }
    TaskType type = TaskType.fromWire(s.getString());
    if (type == null) {
      errors.add(
          new FieldError("type", "unknown type '" + s.getString() + "'; use chat or embedding"));
    } else if (!type.isSupported()) {
      errors.add(
          new FieldError(
              "type",
              "type '" + type.wireName() + "' is not supported yet; use chat or embedding"));
    }
    return type;
  }

  private static Priority parsePriority(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("priority") || json.isNull("priority")) {
      return Priority.NORMAL;
    }
    if (!(json.get("priority") instanceof JsonString s)) {
      errors.add(new FieldError("priority", "must be a string"));
      return null;
    }
    Priority priority = Priority.fromWire(s.getString());
    if (priority == null) {
      errors.add(
          new FieldError(
              "priority",
              "unknown priority '" + s.getString() + "'; use one of " + Priority.allowedValues()));
    }
    return priority;
  }

  private static String requiredString(
      JsonObject json, String field, int maxLength, List<FieldError> errors) {
    if (!json.containsKey(field) || json.isNull(field)) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    return optionalString(json, field, maxLength, errors);
  }

  private static String optionalString(
      JsonObject json, String field, int maxLength, List<FieldError> errors) {
    if (!json.containsKey(field) || json.isNull(field)) {
      return null;
    }
    if (!(json.get(field) instanceof JsonString s)) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    String value = s.getString();
    if (value.isBlank()) {
      errors.add(new FieldError(field, "must not be blank"));
      return null;
    }
    if (value.length() > maxLength) {
      errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
      return null;
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError(field, "must not contain control characters"));
      return null;
    }
    return value;
  }

  private static void validateMessages(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("messages") || json.isNull("messages")) {
      errors.add(new FieldError("messages", "is required"));
      return;
    }
    if (!(json.get("messages") instanceof JsonArray messages)) {
      errors.add(new FieldError("messages", "must be an array of messages"));
      return;
    }
    if (messages.isEmpty()) {
      errors.add(new FieldError("messages", "must contain at least one message"));
      return;
    }
    for (int i = 0; i < messages.size(); i++) {
      String at = "messages[" + i + "]";
      if (!(messages.get(i) instanceof JsonObject message)) {
        errors.add(new FieldError(at, "must be an object with role and content"));
        continue;
      }
      if (!(message.get("role") instanceof JsonString role)) {
        errors.add(new FieldError(at + ".role", "is required and must be a string"));
      } else if (!ROLES.contains(role.getString())) {
        errors.add(
            new FieldError(at + ".role", "unknown role '" + role.getString() + "'; use " + ROLES));
      }
      JsonValue content = message.get("content");
      boolean toolCallOnly = message.containsKey("tool_calls");
      if (content == null || content.getValueType() == JsonValue.ValueType.NULL) {
        if (!toolCallOnly) {
          errors.add(new FieldError(at + ".content", "is required"));
        }
      } else if (content.getValueType() != JsonValue.ValueType.STRING
          && content.getValueType() != JsonValue.ValueType.ARRAY) {
        errors.add(new FieldError(at + ".content", "must be a string or an array of parts"));
      }
    }
  }

  /** An embedding request's {@code input}: a string or a non-empty array of strings. */
  private static void validateInput(JsonObject json, List<FieldError> errors) {
    JsonValue input = json.get("input");
    if (input == null || input.getValueType() == JsonValue.ValueType.NULL) {
      errors.add(new FieldError("input", "is required for an embedding"));
    } else if (input instanceof JsonArray items) {
      if (items.isEmpty()) {
        errors.add(new FieldError("input", "must contain at least one text"));
      } else if (!items.stream().allMatch(v -> v instanceof JsonString)) {
        errors.add(new FieldError("input", "must be a string or an array of strings"));
      }
    } else if (!(input instanceof JsonString)) {
      errors.add(new FieldError("input", "must be a string or an array of strings"));
    }
  }

  private static void validateMaxTokens(JsonObject json, List<FieldError> errors) {
    for (String field : List.of("max_tokens", "max_completion_tokens")) {
      if (!json.containsKey(field) || json.isNull(field)) {
        continue;
      }
      if (!(json.get(field) instanceof JsonNumber n) || !n.isIntegral()) {
        errors.add(new FieldError(field, "must be a whole number"));
      } else if (n.longValue() < 1 || n.longValue() > MAX_TOKENS_LIMIT) {
        errors.add(new FieldError(field, "must be between 1 and " + MAX_TOKENS_LIMIT));
      }
    }
  }

  /**
   * {@code routing}: {@code policy} (cost, latency, quality, local-only), {@code allow_paid}
   * (boolean), {@code max_cost_usd} (number ≥ 0), {@code tags} (object of strings). Returned as
   * compact JSON, or null when absent.
   */
  private static String parseRouting(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("routing") || json.isNull("routing")) {
      return null;
    }
    if (!(json.get("routing") instanceof JsonObject routing)) {
      errors.add(new FieldError("routing", "must be an object"));
      return null;
    }
    int before = errors.size();
    for (String key : routing.keySet()) {
      switch (key) {
        case "policy" -> {
          if (!(routing.get(key) instanceof JsonString p)
              || !ROUTING_POLICIES.contains(p.getString())) {
            errors.add(new FieldError("routing.policy", "must be one of " + ROUTING_POLICIES));
          }
        }
        case "allow_paid" -> {
          JsonValue v = routing.get(key);
          if (v != JsonValue.TRUE && v != JsonValue.FALSE) {
            errors.add(new FieldError("routing.allow_paid", "must be true or false"));
          }
        }
        case "max_cost_usd" -> {
          if (!(routing.get(key) instanceof JsonNumber n) || n.doubleValue() < 0) {
            errors.add(new FieldError("routing.max_cost_usd", "must be a number ≥ 0"));
          }
        }
        case "tags" -> {
          if (!(routing.get(key) instanceof JsonObject tags)
              || !tags.values().stream().allMatch(v -> v instanceof JsonString)) {
            errors.add(new FieldError("routing.tags", "must be an object of string values"));
          }
        }
        default ->
            errors.add(
                new FieldError(
                    "routing." + key, "unknown; use policy, allow_paid, max_cost_usd or tags"));
      }
    }
    return errors.size() == before ? routing.toString() : null;
  }

  private static UUID parseParent(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("parent") || json.isNull("parent")) {
      return null;
    }
    try {
      return UUID.fromString(json.getString("parent"));
    } catch (ClassCastException | IllegalArgumentException e) {
      errors.add(new FieldError("parent", "must be a task id (UUID)"));
      return null;
    }
  }

  private static List<UUID> parseDependencies(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("depends_on") || json.isNull("depends_on")) {
      return List.of();
    }
    if (!(json.get("depends_on") instanceof JsonArray ids)) {
      errors.add(new FieldError("depends_on", "must be an array of task ids"));
      return List.of();
    }
    if (ids.size() > MAX_DEPENDENCIES) {
      errors.add(new FieldError("depends_on", "must list at most " + MAX_DEPENDENCIES + " tasks"));
      return List.of();
    }
    java.util.LinkedHashSet<UUID> unique = new java.util.LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      try {
        unique.add(UUID.fromString(((JsonString) ids.get(i)).getString()));
      } catch (ClassCastException | IllegalArgumentException e) {
        errors.add(new FieldError("depends_on[" + i + "]", "must be a task id (UUID)"));
      }
    }
    return List.copyOf(unique);
  }

  private static Instant parseDeadline(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("deadline") || json.isNull("deadline")) {
      return null;
    }
    if (!(json.get("deadline") instanceof JsonString s)) {
      errors.add(new FieldError("deadline", "must be an RFC 3339 date-time string"));
      return null;
    }
    try {
      return OffsetDateTime.parse(s.getString()).toInstant();
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError("deadline", "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z"));
      return null;
    }
  }

  private static Duration parseTtl(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("ttl") || json.isNull("ttl")) {
      return null;
    }
    if (!(json.get("ttl") instanceof JsonNumber n) || !n.isIntegral()) {
      errors.add(new FieldError("ttl", "must be a whole number of seconds"));
      return null;
    }
    if (n.longValue() < 1 || n.longValue() > MAX_TTL_SECONDS) {
      errors.add(new FieldError("ttl", "must be between 1 and " + MAX_TTL_SECONDS + " seconds"));
      return null;
    }
    return Duration.ofSeconds(n.longValue());
  }

  private static void validateTemperature(JsonObject json, List<FieldError> errors) {
    if (!json.containsKey("temperature") || json.isNull("temperature")) {
      return;
    }
    if (!(json.get("temperature") instanceof JsonNumber n)) {
      errors.add(new FieldError("temperature", "must be a number"));
    } else if (n.doubleValue() < 0 || n.doubleValue() > 2) {
      errors.add(new FieldError("temperature", "must be between 0 and 2"));
    }
  }

  private static JsonObject backendRequest(JsonObject json) {
    JsonObjectBuilder b = Json.createObjectBuilder();
    for (Map.Entry<String, JsonValue> e : json.entrySet()) {
      if (!CONTROL_FIELDS.contains(e.getKey())) {
        b.add(e.getKey(), e.getValue());
      }
    }
    return b.build();
  }

  private static InvalidSubmissionException malformed(String detail) {
    return new InvalidSubmissionException(
        InvalidSubmissionException.Kind.MALFORMED_JSON, detail, List.of());
  }

  private static String describe(JsonValue value) {
    return switch (value.getValueType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case TRUE, FALSE -> "a boolean";
      case NULL -> "null";
      case OBJECT -> "an object";
    };
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unexpected input";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
