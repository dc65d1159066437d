package io.renqueue.scheduling;

import io.renqueue.tasks.ExpiryPolicy;
import io.renqueue.tasks.Priority;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The scheduling policies, built once from MicroProfile Config:
 *
 * <pre>
 * renqueue.ttl.batch=86400          default TTL (seconds) of a level's tasks that bring none; 0: none
 * renqueue.aging.step-seconds=60     waiting time per JMS priority step; 0 disables aging
 * renqueue.aging.ceiling=9           the highest JMS priority aging reaches
 * renqueue.preemption.after-seconds=30   urgent work waiting this long preempts; 0 disables
 * renqueue.preemption.levels=critical    levels that preempt (and are never preempted)
 * renqueue.preemption.max-per-task=2     after this many preemptions a task keeps its slot
 * renqueue.tenant.weights=acme=3,globex=1  fair-share weights within a level
 * renqueue.tenant.default-weight=1       the weight of tenants not listed
 * </pre>
 */
@ApplicationScoped
public class SchedulingSettings {

  private static final Logger LOG = Logger.getLogger(SchedulingSettings.class.getName());

  private ExpiryPolicy expiry;
  private AgingPolicy aging;
  private PreemptionPolicy preemption;
  private TenantWeights tenantWeights;

  @PostConstruct
  void load() {
    Config config = ConfigProvider.getConfig();
    expiry = new ExpiryPolicy(defaultTtls(config));
    aging =
        new AgingPolicy(
            Duration.ofSeconds(
                config.getOptionalValue("renqueue.aging.step-seconds", Long.class).orElse(60L)),
            config
                .getOptionalValue("renqueue.aging.ceiling", Integer.class)
                .orElse(AgingPolicy.MAX_JMS_PRIORITY));
    preemption = preemption(config);
    tenantWeights =
        TenantWeights.parse(
            config.getOptionalValue("renqueue.tenant.weights", String.class).orElse(""),
            config.getOptionalValue("renqueue.tenant.default-weight", Double.class).orElse(1.0));
    LOG.info(() -> "Preemption: " + (preemption.enabled() ? preemption : "off"));
    LOG.info(
        () ->
            "Aging: "
                + (aging.enabled()
                    ? "one priority step per "
                        + aging.step().toSeconds()
                        + " s up to "
                        + aging.ceiling()
                    : "off"));
  }

  public ExpiryPolicy expiry() {
    return expiry;
  }

  public AgingPolicy aging() {
    return aging;
  }

  public PreemptionPolicy preemption() {
    return preemption;
  }

  public TenantWeights tenantWeights() {
    return tenantWeights;
  }

  static PreemptionPolicy preemption(Config config) {
    java.util.Set<Priority> levels = java.util.EnumSet.noneOf(Priority.class);
    for (String name :
        config
            .getOptionalValue("renqueue.preemption.levels", String.class)
            .orElse("critical")
            .split(",")) {
      Priority p = Priority.fromWire(name.trim());
      if (p != null) {
        levels.add(p);
      }
    }
    return new PreemptionPolicy(
        Duration.ofSeconds(
            config.getOptionalValue("renqueue.preemption.after-seconds", Long.class).orElse(30L)),
        levels,
        config.getOptionalValue("renqueue.preemption.max-per-task", Integer.class).orElse(2));
  }

  static Map<Priority, Duration> defaultTtls(Config config) {
    Map<Priority, Duration> ttls = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      config
          .getOptionalValue("renqueue.ttl." + p.wireName(), Long.class)
          .filter(seconds -> seconds > 0)
          .ifPresent(seconds -> ttls.put(p, Duration.ofSeconds(seconds)));
    }
    if (!ttls.isEmpty()) {
      LOG.info(() -> "Default time to live per level: " + ttls);
    }
    return ttls;
  }
}
