package io.renqueue.api.openai;

import io.renqueue.routing.BackendRegistry;
import io.renqueue.routing.ModelOffer;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.TreeSet;

/**
 * {@code GET /v1/models}: the model names clients may ask for — every alias some backend serves. A
 * backend that serves any model ({@code *}) adds nothing here: its models are not known.
 */
@Path("/models")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

  @Inject BackendRegistry registry;

  @GET
  public String list() {
    TreeSet<String> aliases = new TreeSet<>();
    registry
        .all()
        .forEach(
            b ->
                b.models().stream()
                    .filter(m -> !m.isWildcard())
                    .map(ModelOffer::alias)
                    .forEach(aliases::add));
    JsonArrayBuilder data = Json.createArrayBuilder();
    for (String alias : aliases) {
      data.add(
          Json.createObjectBuilder()
              .add("id", alias)
              .add("object", "model")
              .add("created", 0)
              .add("owned_by", "renqueue"));
    }
    return Json.createObjectBuilder().add("object", "list").add("data", data).build().toString();
  }
}
