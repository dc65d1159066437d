package io.renqueue.api.health;

import io.renqueue.dispatch.OutboxRelay;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * How tasks reach the workers. Submissions need only PostgreSQL (the task row is its own outbox),
 * so an unreachable broker does not make this server unready: the check stays UP and says that
 * dispatch waits ({@code broker: unreachable}), how many tokens wait in this server's relay, and
 * how many queued tasks the database holds whose token has not been confirmed sent.
 */
@Readiness
@ApplicationScoped
public class DispatchReadiness implements HealthCheck {

  private static final String UNDISPATCHED =
      "SELECT count(*) FROM task WHERE state = 'QUEUED' AND dispatched_at IS NULL";

  @Inject OutboxRelay relay;

  @Resource(lookup = "jdbc/renqueue-direct")
  DataSource database;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("dispatch").up();
    if (relay.brokerUp()) {
      b.withData("broker", "up");
    } else {
      b.withData("broker", "unreachable");
      String problem = relay.brokerProblem();
      if (problem != null) {
        b.withData("broker_problem", problem);
      }
    }
    b.withData("relay_backlog", relay.backlog());
    try (Connection c = database.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(2);
      try (ResultSet rs = s.executeQuery(UNDISPATCHED)) {
        rs.next();
        b.withData("tasks_waiting_for_dispatch", rs.getLong(1));
      }
    } catch (Exception e) {
      // The database check says the database is down; this one still tells about the broker.
      b.withData("tasks_waiting_for_dispatch", "unknown: " + e.getClass().getSimpleName());
    }
    return b.build();
  }
}
