package io.renqueue.backends;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The backends this server may call, read once from MicroProfile Config:
 *
 * <pre>
 * renqueue.backends=local-gpu,cloud
 * renqueue.backend.local-gpu.url=http://10.0.0.5:8000/v1
 * renqueue.backend.local-gpu.models=llama-3-8b,qwen2-7b     (default *)
 * renqueue.backend.cloud.api-key-env=OPENAI_API_KEY          (the key itself stays in the environment)
 * renqueue.backend.cloud.request-timeout-ms=60000
 * </pre>
 */
@ApplicationScoped
public class BackendCatalog {

  private static final Logger LOG = Logger.getLogger(BackendCatalog.class.getName());

  private BackendSelection selection;

  @PostConstruct
  void load() {
    selection = new BackendSelection(read(ConfigProvider.getConfig(), System::getenv));
    LOG.info(() -> "Backends: " + selection.configured());
  }

  public List<BackendConfig> candidates(String model) {
    return selection.candidates(model);
  }

  public List<BackendConfig> configured() {
    return selection.configured();
  }

  interface Environment {
    String get(String name);
  }

  static List<BackendConfig> read(Config config, Environment env) {
    List<BackendConfig> backends = new ArrayList<>();
    String names = config.getOptionalValue("renqueue.backends", String.class).orElse("");
    for (String raw : names.split(",")) {
      String name = raw.trim();
      if (name.isEmpty()) {
        continue;
      }
      String prefix = "renqueue.backend." + name + ".";
      String url =
          config
              .getOptionalValue(prefix + "url", String.class)
              .orElseThrow(
                  () -> new IllegalStateException("Backend " + name + " has no " + prefix + "url"));
      String keyVar = config.getOptionalValue(prefix + "api-key-env", String.class).orElse(null);
      String models = config.getOptionalValue(prefix + "models", String.class).orElse("*");
      long timeoutMs =
          config.getOptionalValue(prefix + "request-timeout-ms", Long.class).orElse(120_000L);
      backends.add(
          new BackendConfig(
              name,
              url,
              keyVar == null ? null : env.get(keyVar),
              Set.of(models.trim().split("\\s*,\\s*")),
              Duration.ofMillis(timeoutMs)));
    }
    return backends;
  }
}
