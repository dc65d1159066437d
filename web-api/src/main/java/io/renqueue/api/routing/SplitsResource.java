package io.renqueue.api.routing;

import io.renqueue.api.admin.AdminOnly;
import io.renqueue.api.problems.JsonBody;
import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.routing.BackendRegistry;
import io.renqueue.routing.Split;
import io.renqueue.routing.SplitStore;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A/B and canary splits per model alias. A change reaches every server within a second; setting a
 * variant's weight to 0 is the rollback.
 */
@Path("/splits")
@RequestScoped
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Routing")
public class SplitsResource {

  @EJB SplitStore store;
  @Inject BackendRegistry registry;

  @GET
  @Operation(summary = "Every split: alias, weight per backend, stickiness")
  public String list() {
    var all = Json.createArrayBuilder();
    store.all().values().forEach(s -> all.add(json(s)));
    return Json.createObjectBuilder().add("items", all).build().toString();
  }

  @PUT
  @Path("/{alias}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Set an alias's split",
      description =
          "Body: {\"weights\": {\"gpu-1\": 90, \"gpu-2\": 10}, \"sticky\": \"none|tenant|key\"}."
              + " Each backend must serve the alias. A weight of 0 sends that backend no new tasks.")
  public String put(@PathParam("alias") String alias, String body) {
    JsonObject json = JsonBody.object(body);
    if (!(json.get("weights") instanceof JsonObject weights) || weights.isEmpty()) {
      throw new ProblemException(
          ProblemType.INVALID_REQUEST, "'weights' must be an object of backend name to weight.");
    }
    Map<String, Integer> w = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : weights.entrySet()) {
      boolean serves = registry.named(e.getKey()).flatMap(b -> b.offerFor(alias)).isPresent();
      if (!serves) {
        throw new ProblemException(
            ProblemType.INVALID_REQUEST,
            "Backend '"
                + e.getKey()
                + "' is not configured or does not serve model '"
                + alias
                + "'.");
      }
      if (!(e.getValue() instanceof JsonNumber n) || !n.isIntegral() || n.intValue() < 0) {
        throw new ProblemException(
            ProblemType.INVALID_REQUEST,
            "The weight of '" + e.getKey() + "' must be a whole number ≥ 0.");
      }
      w.put(e.getKey(), n.intValue());
    }
    Split.Sticky sticky;
    try {
      sticky =
          json.get("sticky") instanceof JsonString s
              ? Split.Sticky.fromWire(s.getString())
              : Split.Sticky.NONE;
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemType.INVALID_REQUEST, e.getMessage() + ".");
    }
    Split split = new Split(alias, w, sticky);
    store.replace(split);
    return json(split).build().toString();
  }

  @DELETE
  @Path("/{alias}")
  @Operation(summary = "Remove an alias's split: the router alone decides again")
  public String delete(@PathParam("alias") String alias) {
    if (!store.delete(alias)) {
      throw new ProblemException(ProblemType.NOT_FOUND, "There is no split for '" + alias + "'.");
    }
    return Json.createObjectBuilder().add("alias", alias).add("deleted", true).build().toString();
  }

  private static JsonObjectBuilder json(Split s) {
    var w = Json.createObjectBuilder();
    s.weights().forEach(w::add);
    return Json.createObjectBuilder()
        .add("alias", s.alias())
        .add("weights", w)
        .add("sticky", s.sticky().wireName());
  }
}
