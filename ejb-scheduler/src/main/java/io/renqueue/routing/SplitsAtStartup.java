package io.renqueue.routing;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Stores the splits configured as {@code renqueue.splits=llama-3-8b} with {@code
 * renqueue.split.llama-3-8b.weights=gpu-1:90,gpu-2:10} (and optionally {@code .sticky=tenant|key})
 * unless the database already has one for the alias: a split changed at run time stays changed.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
public class SplitsAtStartup {

  private static final Logger LOG = Logger.getLogger(SplitsAtStartup.class.getName());

  @EJB private SplitStore store;

  @PostConstruct
  void seed() {
    Config c = ConfigProvider.getConfig();
    for (String raw : c.getOptionalValue("renqueue.splits", String.class).orElse("").split(",")) {
      String alias = raw.trim();
      if (alias.isEmpty()) {
        continue;
      }
      Split split =
          parse(
              alias,
              c.getOptionalValue("renqueue.split." + alias + ".weights", String.class).orElse(""),
              c.getOptionalValue("renqueue.split." + alias + ".sticky", String.class)
                  .orElse("none"));
      if (store.seed(split)) {
        LOG.info(() -> "A/B split for " + alias + ": " + split.weights());
      }
    }
  }

  static Split parse(String alias, String weights, String sticky) {
    Map<String, Integer> w = new LinkedHashMap<>();
    for (String pair : weights.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split(":", 2);
      try {
        w.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "renqueue.split." + alias + ".weights: '" + pair.trim() + "' is not backend:weight");
      }
    }
    return new Split(alias, w, Split.Sticky.fromWire(sticky.trim()));
  }
}
