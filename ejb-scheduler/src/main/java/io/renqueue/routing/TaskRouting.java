package io.renqueue.routing;

import io.renqueue.tasks.Task;
import io.renqueue.tasks.TokenEstimate;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Between tasks and the router: what a task asks of a backend, and the decision as JSON. */
public final class TaskRouting {

  private TaskRouting() {}

  /** The router's view of a task: model, token estimates, features it uses, its constraints. */
  public static RouteRequest requestFor(Task task) {
    JsonObject request = read(task.getRequestJson());
    return new RouteRequest(
        task.getModel(),
        TokenEstimate.promptOf(request),
        TokenEstimate.completionBudget(request),
        features(request),
        constraints(task));
  }

  static Set<Feature> features(JsonObject request) {
    Set<Feature> features = EnumSet.noneOf(Feature.class);
    if (request.get("tools") instanceof JsonArray tools && !tools.isEmpty()) {
      features.add(Feature.TOOLS);
    }
    if (request.get("response_format") instanceof JsonObject format
        && format.get("type") instanceof JsonString type
        && !type.getString().equals("text")) {
      features.add(Feature.JSON);
    }
    if (request.get("messages") instanceof JsonArray messages) {
      for (JsonValue m : messages) {
        if (m instanceof JsonObject message && message.get("content") instanceof JsonArray parts) {
          for (JsonValue part : parts) {
            if (part instanceof JsonObject p
                && p.get("type") instanceof JsonString t
                && t.getString().equals("image_url")) {
              features.add(Feature.VISION);
            }
          }
        }
      }
    }
    return features;
  }

  static RoutingConstraints constraints(Task task) {
    if (task.getRoutingJson() == null) {
      return RoutingConstraints.DEFAULT;
    }
    JsonObject r = read(task.getRoutingJson());
    RoutingPolicy policy =
        r.get("policy") instanceof JsonString p && RoutingPolicy.fromWire(p.getString()) != null
            ? RoutingPolicy.fromWire(p.getString())
            : RoutingPolicy.COST;
    boolean allowPaid = r.get("allow_paid") != JsonValue.FALSE;
    Double maxCost = r.get("max_cost_usd") instanceof JsonNumber n ? n.doubleValue() : null;
    Map<String, String> tags = new LinkedHashMap<>();
    if (r.get("tags") instanceof JsonObject t) {
      t.forEach((k, v) -> tags.put(k, ((JsonString) v).getString()));
    }
    return new RoutingConstraints(policy, allowPaid, maxCost, tags);
  }

  /** The decision as stored on the task ({@code routing_trace}). */
  public static String trace(RoutingDecision d) {
    JsonArrayBuilder candidates = Json.createArrayBuilder();
    for (RoutingDecision.Candidate c : d.candidates()) {
      candidates.add(
          Json.createObjectBuilder()
              .add("backend", c.backend())
              .add("model", c.upstreamModel())
              .add("score", c.score())
              .add("estimated_cost_usd", c.estimatedCostUsd())
              .add("expected_ms", c.expectedMillis())
              .add("why", c.why()));
    }
    JsonArrayBuilder rejected = Json.createArrayBuilder();
    for (RoutingDecision.Rejection r : d.rejected()) {
      JsonObjectBuilder o =
          Json.createObjectBuilder().add("backend", r.backend()).add("reason", r.reason());
      if (r.availableAt() != null) {
        o.add("available_at", r.availableAt().toString());
      }
      rejected.add(o);
    }
    JsonObjectBuilder trace = Json.createObjectBuilder().add("policy", d.policy().wireName());
    if (d.variant() != null) {
      trace.add("split_variant", d.variant());
    }
    if (d.degradedTo() != null) {
      trace.add("degraded_to", d.degradedTo());
    }
    return trace.add("candidates", candidates).add("rejected", rejected).build().toString();
  }

  private static JsonObject read(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }
}
