package io.renqueue.api.problems;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a failure means the database or the broker cannot be reached right now (as opposed to a
 * bug): then the call is answered 503 with Retry-After, since its transaction rolled back and
 * nothing was stored, and retrying later will work.
 */
public final class DependencyOutage {

  /** SQL states of a lost or refused connection, or a server shutting down (PostgreSQL). */
  private static final Set<String> SQL_STATES = Set.of("57P01", "57P02", "57P03", "53300");

  /** Long enough for a restart or failover to be under way, short enough not to stall clients. */
  public static final int RETRY_AFTER_SECONDS = 5;

  private DependencyOutage() {}

  public static boolean causedBy(Throwable failure) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || SQL_STATES.contains(sql.getSQLState()))) {
        return true;
      }
      String type = t.getClass().getName();
      // Liberty's pool when no connection can be made, Hibernate's wrapper of a connection
      // failure, and the JMS client when the broker is gone (names, to keep this module free of
      // those APIs).
      if (type.equals("jakarta.resource.ResourceException")
          || type.equals("jakarta.resource.spi.ResourceAllocationException")
          || type.equals("org.hibernate.exception.JDBCConnectionException")
          || type.equals("jakarta.jms.JMSException")
          || type.equals("jakarta.jms.JMSRuntimeException")
          || type.equals("org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException")) {
        return true;
      }
      // The database or broker went away in the middle of a two-phase commit (seen in the chaos
      // test: PostgreSQL stopped during PREPARE). The transaction manager settles the branches at
      // recovery, and these exceptions carry no cause to look at.
      if (type.equals("jakarta.transaction.HeuristicMixedException")
          || type.equals("jakarta.transaction.HeuristicRollbackException")) {
        return true;
      }
    }
    return false;
  }
}
