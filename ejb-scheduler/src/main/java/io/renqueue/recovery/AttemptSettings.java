package io.renqueue.recovery;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The {@link AttemptPolicy}, built once from MicroProfile Config:
 *
 * <pre>
 * renqueue.max-attempts=3               attempts a task gets before it ends FAILED
 * renqueue.retry.delay-seconds=2        wait before the second attempt, doubling after
 * renqueue.retry.max-delay-seconds=60   the longest wait between attempts
 * </pre>
 */
@ApplicationScoped
public class AttemptSettings {

  private static final Logger LOG = Logger.getLogger(AttemptSettings.class.getName());

  private AttemptPolicy policy;

  @PostConstruct
  void load() {
    Config config = ConfigProvider.getConfig();
    policy =
        new AttemptPolicy(
            config.getOptionalValue("renqueue.max-attempts", Integer.class).orElse(3),
            Duration.ofMillis(
                Math.round(
                    1000
                        * config
                            .getOptionalValue("renqueue.retry.delay-seconds", Double.class)
                            .orElse(2.0))),
            Duration.ofSeconds(
                config
                    .getOptionalValue("renqueue.retry.max-delay-seconds", Long.class)
                    .orElse(60L)));
    LOG.info(
        () ->
            "Attempts per task: "
                + policy.maxAttempts()
                + ", retried after "
                + policy.firstDelay().toMillis()
                + " ms (doubling, at most "
                + policy.maxDelay().toSeconds()
                + " s)");
  }

  public AttemptPolicy policy() {
    return policy;
  }
}
