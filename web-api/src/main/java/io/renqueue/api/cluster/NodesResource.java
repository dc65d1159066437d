package io.renqueue.api.cluster;

import io.renqueue.api.admin.AdminOnly;
import io.renqueue.api.problems.JsonBody;
import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.cluster.NodeRegistry;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.StringReader;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The cluster's nodes as the control plane sees them, and draining a node for maintenance. */
@Path("/nodes")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cluster")
public class NodesResource {

  private static final Logger LOG = Logger.getLogger(NodesResource.class.getName());

  @EJB NodeRegistry registry;

  @GET
  @Operation(
      summary =
          "Every node: state (UP, DRAINING, SUSPECT, DEAD) and why, heartbeats, probe,"
              + " slots, models, GPUs, version")
  public String list() {
    JsonArrayBuilder items = Json.createArrayBuilder();
    for (Object[] n : registry.all()) {
      JsonObjectBuilder o = Json.createObjectBuilder();
      for (int i = 0; i < NodeRegistry.COLUMNS.size(); i++) {
        add(o, NodeRegistry.COLUMNS.get(i), n[i]);
      }
      items.add(o);
    }
    return Json.createObjectBuilder().add("items", items).build().toString();
  }

  @PUT
  @Path("/{id}/draining")
  @AdminOnly
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Drain a node (true) or let it take work again (false)",
      description =
          "Body: {\"draining\": true}. A draining node finishes what it runs and takes nothing new;"
              + " it learns of the change with its next heartbeat.")
  public String drain(@PathParam("id") String id, String body) {
    JsonObject json = JsonBody.object(body);
    JsonValue flag = json.get("draining");
    if (flag != JsonValue.TRUE && flag != JsonValue.FALSE) {
      throw new ProblemException(ProblemType.INVALID_REQUEST, "'draining' must be true or false.");
    }
    boolean draining = flag == JsonValue.TRUE;
    if (!registry.setDraining(id, draining)) {
      throw new ProblemException(ProblemType.NOT_FOUND, "There is no node '" + id + "'.");
    }
    LOG.info(() -> "Node " + id + (draining ? " asked to drain" : " takes work again"));
    return Json.createObjectBuilder().add("id", id).add("draining", draining).build().toString();
  }

  private static void add(JsonObjectBuilder o, String name, Object v) {
    if (v == null) {
      o.addNull(name);
    } else if (v instanceof Boolean b) {
      o.add(name, b);
    } else if (v instanceof Number n) {
      o.add(name, n.longValue());
    } else if (v instanceof Timestamp t) {
      o.add(name, t.toInstant().toString());
    } else if (v instanceof OffsetDateTime t) {
      o.add(name, t.toInstant().toString());
    } else if (v instanceof java.time.Instant t) {
      o.add(name, t.toString());
    } else if (name.equals("gpu")) {
      try (var r = Json.createReader(new StringReader(v.toString()))) {
        o.add(name, r.readObject());
      }
    } else if (name.equals("roles") || name.equals("models")) {
      JsonArrayBuilder list = Json.createArrayBuilder();
      for (String s : v.toString().split(",")) {
        if (!s.isBlank()) {
          list.add(s);
        }
      }
      o.add(name, list);
    } else {
      o.add(name, v.toString());
    }
  }
}
