package io.renqueue.routing;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/**
 * The splits as this server sees them: read from the database at most once a second, so a change (a
 * rollback to weight 0) reaches every server within a second.
 */
@ApplicationScoped
public class Splits {

  static final long REFRESH_MILLIS = 1000;

  @EJB SplitStore store;

  private volatile Map<String, Split> current = Map.of();
  private volatile long readAt;

  public Optional<Split> forAlias(String alias) {
    long now = System.currentTimeMillis();
    if (now - readAt >= REFRESH_MILLIS) {
      current = store.all();
      readAt = now;
    }
    return Optional.ofNullable(current.get(alias));
  }
}
