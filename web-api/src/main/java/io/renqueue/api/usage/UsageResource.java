package io.renqueue.api.usage;

import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.tasks.Tenants;
import io.renqueue.usage.UsageReport;
import io.renqueue.usage.UsageView;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the cluster's succeeded tasks used and cost, and what routing saved. */
@Path("/usage")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Usage")
public class UsageResource {

  @EJB UsageView usage;

  @GET
  @Operation(
      summary =
          "Tokens and cost per backend and tenant, with the savings against the reference"
              + " paid backend")
  public String report(
      @Parameter(description = "RFC 3339 start (inclusive); default: 24 hours ago")
          @QueryParam("from")
          String from,
      @Parameter(description = "RFC 3339 end (exclusive); default: now") @QueryParam("to")
          String to,
      @Parameter(description = "only this tenant's tasks") @QueryParam("tenant") String tenant) {
    Instant end = instant("to", to, Instant.now());
    Instant start = instant("from", from, end.minus(Duration.ofDays(1)));
    if (!start.isBefore(end)) {
      throw new ProblemException(ProblemType.INVALID_REQUEST, "'from' must be before 'to'.");
    }
    if (tenant != null && Tenants.resolve(tenant).filter(t -> t.equals(tenant)).isEmpty()) {
      throw new ProblemException(
          ProblemType.INVALID_REQUEST,
          "'tenant' is not a valid tenant id: " + Tenants.describeRule());
    }
    UsageReport r = usage.report(start, end, tenant);
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("from", start.toString())
            .add("to", end.toString())
            .add("totals", totals(r.totals()))
            .add("by_backend", lines(r.byBackend(), "backend"))
            .add("by_tenant", lines(r.byTenant(), "tenant"));
    if (r.reference() != null) {
      b.add(
          "savings",
          Json.createObjectBuilder()
              .add("reference_backend", r.reference().backend())
              .add("reference_cost_usd", r.reference().costUsd())
              .add("saved_usd", r.reference().savingsUsd()));
    }
    return b.build().toString();
  }

  private static JsonObjectBuilder totals(UsageReport.Totals t) {
    return Json.createObjectBuilder()
        .add("tasks", t.tasks())
        .add("prompt_tokens", t.promptTokens())
        .add("completion_tokens", t.completionTokens())
        .add("cost_usd", t.costUsd());
  }

  private static JsonArrayBuilder lines(List<UsageReport.Line> lines, String key) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    lines.forEach(l -> a.add(totals(l.totals()).add(key, l.name())));
    return a;
  }

  private static Instant instant(String name, String value, Instant dflt) {
    if (value == null || value.isBlank()) {
      return dflt;
    }
    try {
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new ProblemException(
          ProblemType.INVALID_REQUEST,
          "'" + name + "' must be an RFC 3339 time such as 2026-11-23T00:00:00Z.");
    }
  }
}
