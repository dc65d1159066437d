package io.renqueue.routing;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The backends this server knows, read once from MicroProfile Config ({@link BackendDefinitions}).
 */
@ApplicationScoped
public class BackendRegistry {

  private static final Logger LOG = Logger.getLogger(BackendRegistry.class.getName());

  private List<BackendDefinition> backends;

  @PostConstruct
  void load() {
    Config config = ConfigProvider.getConfig();
    backends = BackendDefinitions.read(key -> config.getOptionalValue(key, String.class));
    LOG.info(
        () ->
            "Backends: "
                + backends.stream()
                    .map(b -> b.name() + " (" + b.kind().wireName() + ", " + b.baseUrl() + ")")
                    .toList());
  }

  public List<BackendDefinition> all() {
    return backends;
  }

  public Optional<BackendDefinition> named(String name) {
    return backends.stream().filter(b -> b.name().equals(name)).findFirst();
  }
}
