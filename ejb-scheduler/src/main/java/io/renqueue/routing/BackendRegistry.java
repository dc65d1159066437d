package io.renqueue.routing;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The backends this server routes to: those configured ({@link BackendDefinitions}), with the admin
 * API's changes ({@link BackendOverrides}) laid over them. The changes are re-read at most once a
 * second, so an added, changed or removed backend reaches every server within a second; if the
 * database cannot be read, the last known set stays in use.
 */
@ApplicationScoped
public class BackendRegistry {

  private static final Logger LOG = Logger.getLogger(BackendRegistry.class.getName());

  static final long REFRESH_MILLIS = 1000;

  @EJB BackendOverrides overrides;

  private Function<String, Optional<String>> config;
  private List<BackendDefinition> configured;
  private volatile List<BackendDefinition> current;
  private volatile Map<String, Optional<String>> appliedOverrides = Map.of();
  private volatile long readAt;

  @PostConstruct
  void load() {
    Config c = ConfigProvider.getConfig();
    config = key -> c.getOptionalValue(key, String.class);
    configured = BackendDefinitions.read(config);
    current = configured;
    LOG.info(() -> "Configured backends: " + describe(configured));
  }

  public List<BackendDefinition> all() {
    if (System.currentTimeMillis() - readAt >= REFRESH_MILLIS) {
      synchronized (this) {
        // Callers that find the set stale wait for the one re-read instead of routing with a set
        // that may be far older than a second (nothing re-reads it while no task runs).
        if (System.currentTimeMillis() - readAt >= REFRESH_MILLIS) {
          refresh();
          readAt = System.currentTimeMillis();
        }
      }
    }
    return current;
  }

  public Optional<BackendDefinition> named(String name) {
    return all().stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** Where a backend's definition comes from: {@code config} or {@code api}. */
  public String source(String name) {
    return appliedOverrides.containsKey(name) ? "api" : "config";
  }

  public Set<String> configuredNames() {
    return configured.stream()
        .map(BackendDefinition::name)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Checks a definition the way every server will read it; throws naming the wrong field. */
  public BackendDefinition validate(String name, String definitionJson) {
    try (var reader = Json.createReader(new StringReader(definitionJson))) {
      return BackendJson.read(name, reader.readObject(), config);
    }
  }

  private void refresh() {
    Map<String, Optional<String>> rows;
    try {
      rows = overrides.all();
    } catch (RuntimeException e) {
      LOG.warning(() -> "Backend changes not re-read, the last known set stays in use: " + e);
      return;
    }
    if (rows.equals(appliedOverrides)) {
      return;
    }
    Map<String, BackendDefinition> merged = new LinkedHashMap<>();
    configured.forEach(b -> merged.put(b.name(), b));
    rows.forEach(
        (name, json) -> {
          if (json.isEmpty()) {
            merged.remove(name);
            return;
          }
          try {
            merged.put(name, validate(name, json.get()));
          } catch (RuntimeException e) {
            // Stored by an older version, say: keep what was there rather than drop a backend.
            LOG.warning(() -> "Stored definition of backend " + name + " ignored: " + e);
          }
        });
    current = List.copyOf(new ArrayList<>(merged.values()));
    appliedOverrides = Map.copyOf(rows);
    LOG.info(() -> "Backends now: " + describe(current) + " (changed through the admin API)");
  }

  private static List<String> describe(List<BackendDefinition> backends) {
    return backends.stream()
        .map(b -> b.name() + " (" + b.kind().wireName() + ", " + b.baseUrl() + ")")
        .toList();
  }
}
