package io.renqueue.api.admin;

import io.renqueue.api.problems.Problem;
import io.renqueue.api.problems.ProblemType;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Lets a call to an {@link AdminOnly} resource through only with {@code Authorization: Bearer
 * <renqueue.admin.token>}. Without a configured token the admin API is closed rather than open: a
 * backend URL or a split changed by anyone who can reach the port would move traffic and money.
 */
@Provider
@AdminOnly
@ApplicationScoped
@Priority(Priorities.AUTHENTICATION)
public class AdminTokenFilter implements ContainerRequestFilter {

  private static final Logger LOG = Logger.getLogger(AdminTokenFilter.class.getName());

  /** Optional: MicroProfile Config treats an empty value (the server.xml default) as missing. */
  @Inject
  @ConfigProperty(name = "renqueue.admin.token")
  Optional<String> configuredToken;

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getRequestUri().getRawPath();
    String token = configuredToken.orElse("").trim();
    if (token.isEmpty()) {
      abort(
          request,
          new Problem(
              ProblemType.FORBIDDEN,
              "The admin API is disabled: set renqueue.admin.token (a server.xml variable or the"
                  + " RENQUEUE_ADMIN_TOKEN environment variable) to enable it."),
          path);
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : "";
    if (!MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      LOG.warning(
          () ->
              "Admin call refused ("
                  + (presented.isEmpty() ? "no bearer token" : "wrong token")
                  + "): "
                  + request.getMethod()
                  + " "
                  + path);
      abort(
          request,
          new Problem(
              ProblemType.UNAUTHORIZED,
              "This call needs the admin token: Authorization: Bearer <renqueue.admin.token>."),
          path);
    }
  }

  private static void abort(ContainerRequestContext request, Problem problem, String path) {
    Response.ResponseBuilder r =
        Response.status(problem.status())
            .type(ProblemType.MEDIA_TYPE)
            .entity(problem.toJson(path).toString());
    if (problem.type() == ProblemType.UNAUTHORIZED) {
      r.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"renqueue-admin\"");
    }
    request.abortWith(r.build());
  }
}
