package io.renqueue.api.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the Artemis broker answers. Browsing the dispatch queue is a real round trip;
 * merely taking a pooled connection would not notice a dead broker.
 */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {

  @Resource(lookup = "jms/renqueue/cf")
  ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/dispatch")
  Queue dispatch;

  @Override
  public HealthCheckResponse call() {
    try (JMSContext jms = connectionFactory.createContext();
        QueueBrowser browser = jms.createBrowser(dispatch)) {
      browser.getEnumeration().hasMoreElements();
      return HealthCheckResponse.named("broker").up().build();
    } catch (Exception e) {
      return HealthCheckResponse.named("broker")
          .down()
          .withData("error", e.getClass().getSimpleName())
          .build();
    }
  }
}
