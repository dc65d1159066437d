package io.renqueue.dispatch;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This server's own connection to Artemis for what it sends: outside JCA and JTA, so a send is one
 * round trip (or none, for non-persistent messages) instead of a pooled managed connection enlisted
 * in a transaction. Consumers stay MDBs on the resource adapter. The link fails fast: while the
 * broker is away, a new connection is tried at most once a second and every other send is refused
 * at once, so no caller waits for the broker.
 */
@ApplicationScoped
public class BrokerLink {

  private static final Logger LOG = Logger.getLogger(BrokerLink.class.getName());
  private static final long RETRY_MILLIS = 1000;

  @Inject
  @ConfigProperty(name = "broker.host", defaultValue = "127.0.0.1")
  String host;

  @Inject
  @ConfigProperty(name = "broker.port", defaultValue = "61616")
  int port;

  @Inject
  @ConfigProperty(name = "broker.user", defaultValue = "renqueue")
  String user;

  @Inject
  @ConfigProperty(name = "broker.password", defaultValue = "renqueue")
  String password;

  /** Longest a blocking call (a commit) waits for an answer: an unresponsive broker is "down". */
  @Inject
  @ConfigProperty(name = "renqueue.broker.call-timeout-ms", defaultValue = "5000")
  long callTimeoutMs;

  private ActiveMQConnectionFactory factory;
  private Connection connection;
  private long generation;
  private long failedAt;
  private volatile boolean up = true;
  private volatile String lastProblem;

  private Session durableSession;
  private MessageProducer durable;
  private long durableGeneration = -1;

  private Session publishing;
  private MessageProducer publisher;
  private long publishingGeneration = -1;

  @PostConstruct
  void init() {
    String url =
        "tcp://"
            + host
            + ":"
            + port
            + "?callTimeout="
            + callTimeoutMs
            + "&callFailoverTimeout="
            + callTimeoutMs
            + "&clientFailureCheckPeriod=2000&connectionTTL=6000&reconnectAttempts=0"
            + "&initialConnectAttempts=1&blockOnNonDurableSend=false&blockOnDurableSend=true";
    factory = new ActiveMQConnectionFactory(url, user, password);
  }

  @PreDestroy
  synchronized void close() {
    drop();
    factory.close();
  }

  /** Whether the last attempt to use the broker worked. */
  public boolean up() {
    return up;
  }

  /** Why the broker was last unusable, for /health; null while it is up. */
  public String problem() {
    return up ? null : lastProblem;
  }

  /**
   * A session on the current connection; {@code transacted} sessions batch sends into one commit.
   * The caller owns it (sessions are single-threaded) and asks again after a failure.
   *
   * @throws JMSException at once while the broker is known to be away
   */
  public synchronized Held session(boolean transacted) throws JMSException {
    Connection c = connection();
    return new Held(
        c.createSession(
            transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE),
        generation);
  }

  /** A session and the connection generation it belongs to. */
  public record Held(Session session, long generation) {}

  /** Whether a held session still belongs to the live connection. */
  public synchronized boolean current(Held held) {
    return held != null && held.generation == generation && connection != null;
  }

  /**
   * Sends a non-persistent message at once, without waiting for the broker (answer text, ends of
   * attempts, control commands): losing one costs only time, the database has the truth.
   */
  public synchronized void publish(
      String topic, String body, Map<String, String> properties, long timeToLiveMillis)
      throws JMSException {
    try {
      if (publisher == null || publishingGeneration != generation || connection == null) {
        Connection c = connection();
        publishing = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        publisher = publishing.createProducer(null);
        publisher.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        publishingGeneration = generation;
      }
      TextMessage m = publishing.createTextMessage(body);
      for (Map.Entry<String, String> p : properties.entrySet()) {
        m.setStringProperty(p.getKey(), p.getValue());
      }
      publisher.send(
          publishing.createTopic(topic),
          m,
          DeliveryMode.NON_PERSISTENT,
          jakarta.jms.Message.DEFAULT_PRIORITY,
          timeToLiveMillis);
    } catch (JMSException | RuntimeException e) {
      failed(e);
      throw e;
    }
  }

  /**
   * Sends a persistent message now and returns once the broker has it on disk: for a rejected
   * submission, whose dead letter must exist before the message it copies is acknowledged. {@code
   * duplicateId} lets the broker drop a second copy if the same message is rejected again after a
   * redelivery.
   */
  public synchronized void sendDurably(
      String queue, Message copy, java.util.function.Consumer<Message> fill, String duplicateId)
      throws JMSException {
    try {
      if (durable == null || durableGeneration != generation || connection == null) {
        durableSession = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        durable = durableSession.createProducer(null);
        durableGeneration = generation;
      }
      Message m = copy;
      fill.accept(m);
      if (duplicateId != null) {
        m.setStringProperty("_AMQ_DUPL_ID", duplicateId);
      }
      durable.send(
          durableSession.createQueue(queue),
          m,
          DeliveryMode.PERSISTENT,
          jakarta.jms.Message.DEFAULT_PRIORITY,
          jakarta.jms.Message.DEFAULT_TIME_TO_LIVE);
    } catch (JMSException | RuntimeException e) {
      failed(e);
      throw e;
    }
  }

  /** A text or bytes message to fill and hand to {@link #sendDurably}. */
  public synchronized Message newMessage(String text, byte[] bytes) throws JMSException {
    if (durable == null || durableGeneration != generation || connection == null) {
      durableSession = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
      durable = durableSession.createProducer(null);
      durableGeneration = generation;
    }
    if (bytes != null) {
      jakarta.jms.BytesMessage m = durableSession.createBytesMessage();
      m.writeBytes(bytes);
      return m;
    }
    return durableSession.createTextMessage(text);
  }

  /** A send or commit failed: the connection is dropped and the broker counts as away. */
  public synchronized void failed(Exception e) {
    if (up) {
      LOG.warning(() -> "Broker unavailable (" + e + "); sends wait for it, tasks are kept");
    }
    up = false;
    lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
    failedAt = System.currentTimeMillis();
    drop();
  }

  private Connection connection() throws JMSException {
    if (connection != null) {
      return connection;
    }
    if (!up && System.currentTimeMillis() - failedAt < RETRY_MILLIS) {
      throw new JMSException("broker unavailable: " + lastProblem);
    }
    try {
      Connection c = factory.createConnection();
      c.setExceptionListener(this::failed);
      connection = c;
      generation++;
      if (!up) {
        LOG.info("Broker reachable again");
      }
      up = true;
      return c;
    } catch (JMSException | RuntimeException e) {
      up = false;
      lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
      failedAt = System.currentTimeMillis();
      throw e;
    }
  }

  private void drop() {
    publisher = null;
    publishing = null;
    durable = null;
    durableSession = null;
    if (connection != null) {
      Connection c = connection;
      connection = null;
      // Closing waits for an answer an unresponsive broker never gives: not under this lock.
      Thread closing =
          new Thread(
              () -> {
                try {
                  c.close();
                } catch (JMSException | RuntimeException ignored) {
                  // already broken
                }
              },
              "renqueue-broker-close");
      closing.setDaemon(true);
      closing.start();
    }
  }
}
