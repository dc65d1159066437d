package io.renqueue.api.routing;

import io.renqueue.api.admin.AdminOnly;
import io.renqueue.api.problems.JsonBody;
import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.ratelimit.BackendAdmission;
import io.renqueue.routing.BackendDefinition;
import io.renqueue.routing.BackendJson;
import io.renqueue.routing.BackendOverrides;
import io.renqueue.routing.BackendRegistry;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The backend registry at run time: list, add or change, remove. Changes are stored in the database
 * and reach every server within a second; API keys stay in the servers' environment (a definition
 * names the variable), so nothing here ever returns or logs a secret.
 */
@Path("/backends")
@RequestScoped
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Routing")
public class BackendsResource {

  private static final Logger LOG = Logger.getLogger(BackendsResource.class.getName());

  @Inject BackendRegistry registry;
  @EJB BackendOverrides overrides;
  @EJB BackendAdmission admission;

  @GET
  @Operation(summary = "Every backend: definition, where it comes from, any cooldown now")
  public String list() {
    Map<String, Instant> cooling = admission.cooldowns();
    var items = Json.createArrayBuilder();
    registry.all().forEach(b -> items.add(json(b, cooling)));
    return Json.createObjectBuilder().add("items", items).build().toString();
  }

  @GET
  @Path("/{name}")
  @Operation(summary = "One backend")
  public String get(@PathParam("name") String name) {
    return json(existing(name), admission.cooldowns()).build().toString();
  }

  @PUT
  @Path("/{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Add a backend or replace its definition",
      description =
          "Body: {\"url\": \"http://10.0.0.5:8000/v1\", \"kind\": \"local|cloud-free|cloud-paid\","
              + " \"api_key_env\": \"VAR\", \"models\": [{\"alias\", \"upstream\", \"context\","
              + " \"max_output\", \"features\", \"quality\"}], \"price\": {\"input_per_1m\","
              + " \"output_per_1m\"}, \"limits\": {\"requests_per_minute\", \"tokens_per_minute\","
              + " \"requests_per_day\", \"max_concurrency\"}, \"tags\": {}, \"timeout_ms\","
              + " \"max_retries\"}. Only url is required. Every server uses it within a second.")
  public String put(@PathParam("name") String name, String body) {
    JsonObject json = JsonBody.object(body);
    BackendDefinition definition;
    try {
      definition =
          registry.validate(
              name,
              Json.createObjectBuilder(json)
                  .remove("source")
                  .remove("cooling_until")
                  .build()
                  .toString());
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemType.INVALID_REQUEST, e.getMessage() + ".");
    }
    JsonObject stored = BackendJson.write(definition);
    overrides.put(name, stored.toString());
    LOG.info(() -> "Backend " + name + " set through the admin API: " + stored);
    return Json.createObjectBuilder(stored).add("source", "api").build().toString();
  }

  @DELETE
  @Path("/{name}")
  @Operation(
      summary = "Remove a backend",
      description =
          "Removes it from routing on every server within a second, a configured one too, until it"
              + " is put again. Tasks already running on it finish.")
  public String delete(@PathParam("name") String name) {
    existing(name);
    overrides.remove(name);
    LOG.info(() -> "Backend " + name + " removed through the admin API");
    return Json.createObjectBuilder().add("name", name).add("deleted", true).build().toString();
  }

  private BackendDefinition existing(String name) {
    return registry
        .named(name)
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.NOT_FOUND, "There is no backend named '" + name + "'."));
  }

  private JsonObjectBuilder json(BackendDefinition b, Map<String, Instant> cooling) {
    JsonObjectBuilder o =
        Json.createObjectBuilder(BackendJson.write(b)).add("source", registry.source(b.name()));
    Instant until = cooling.get(b.name());
    if (until != null) {
      o.add("cooling_until", until.toString());
    }
    return o;
  }
}
