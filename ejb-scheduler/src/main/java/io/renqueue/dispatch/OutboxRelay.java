package io.renqueue.dispatch;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Sends what committed database changes owe the broker: dispatch tokens, JMS replies, dead-letter
 * copies. Callers hand messages over after their commit and go on at once; one thread sends them in
 * batches, each batch one broker transaction (one journal write for many tokens), and then records
 * on the task rows what the broker now has, also in batches ({@code dispatched_at}, {@code
 * notice_pending}). Nothing here is the only copy: a message lost in a crash or refused while the
 * broker is away is still owed by its row, and the recovery sweep sends it again ({@link
 * io.renqueue.tasks.TokenRenewals}). A submission therefore never waits for the broker.
 */
@ApplicationScoped
public class OutboxRelay {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());

  /** Messages per broker transaction. */
  static final int BATCH = 500;

  /** How long confirmations gather before they are written, and at most how many at once. */
  static final long CONFIRM_EVERY_MILLIS = 50;

  static final int CONFIRM_MAX = 2000;

  /** Messages waiting for the sender; beyond this they are left to the sweep. */
  static final int CAPACITY = 100_000;

  @Inject BrokerLink broker;

  @Resource(lookup = "jdbc/renqueue-direct")
  DataSource database;

  private final BlockingQueue<List<Outgoing>> waiting = new ArrayBlockingQueue<>(CAPACITY);

  /** Tasks with a token waiting here: the sweep does not queue a second one. */
  private final Set<UUID> tokensWaiting = ConcurrentHashMap.newKeySet();

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong left = new AtomicLong();
  private final List<UUID> dispatchConfirms = new ArrayList<>();
  private final List<UUID> noticeConfirms = new ArrayList<>();
  private long confirmsSince;

  private volatile Thread sender;
  private volatile boolean stopping;

  /** Sends these messages, in order and in one broker transaction, after the caller's commit. */
  public void submit(List<Outgoing> messages) {
    if (messages.isEmpty()) {
      return;
    }
    start();
    for (Outgoing m : messages) {
      if (m.isTokenToConfirm()) {
        tokensWaiting.add(m.task());
      }
    }
    if (!waiting.offer(messages)) {
      leave(messages, "the relay holds " + CAPACITY + " messages already");
    }
  }

  public void submit(Outgoing message) {
    submit(List.of(message));
  }

  /** Whether a token for this task waits here to be sent. */
  public boolean tokenWaiting(UUID task) {
    return tokensWaiting.contains(task);
  }

  /** Whether the broker took the last batch; false while it is away. */
  public boolean brokerUp() {
    return broker.up();
  }

  public String brokerProblem() {
    return broker.problem();
  }

  /** Messages handed over and not yet sent. */
  public int backlog() {
    return waiting.size();
  }

  /** Messages sent since start, and messages left to the sweep (broker away, relay full). */
  public long sentCount() {
    return sent.get();
  }

  public long leftCount() {
    return left.get();
  }

  private void start() {
    if (sender != null) {
      return;
    }
    synchronized (this) {
      if (sender == null && !stopping) {
        ClassLoader app = Thread.currentThread().getContextClassLoader();
        Thread t = new Thread(this::run, "renqueue-outbox-relay");
        t.setDaemon(true);
        t.setContextClassLoader(app);
        t.start();
        sender = t;
      }
    }
  }

  @PreDestroy
  void stop() {
    stopping = true;
    Thread t = sender;
    if (t != null) {
      t.interrupt();
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    BrokerLink.Held held = null;
    MessageProducer producer = null;
    List<List<Outgoing>> batch = new ArrayList<>();
    while (!stopping) {
      try {
        List<Outgoing> first = waiting.poll(CONFIRM_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          int size = first.size();
          while (size < BATCH) {
            List<Outgoing> more = waiting.poll();
            if (more == null) {
              break;
            }
            batch.add(more);
            size += more.size();
          }
          try {
            if (!broker.current(held)) {
              held = broker.session(true);
              producer = held.session().createProducer(null);
              producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            }
            send(held.session(), producer, batch);
            held.session().commit();
            confirmed(batch);
          } catch (JMSException | RuntimeException e) {
            if (held != null) {
              broker.failed(e);
            }
            held = null;
            batch.forEach(group -> leave(group, "broker: " + e.getMessage()));
          } finally {
            batch.clear();
          }
        }
        writeConfirmationsIfDue();
      } catch (InterruptedException e) {
        if (stopping) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Outbox relay: unexpected failure, going on", e);
      }
    }
  }

  private static void send(Session session, MessageProducer producer, List<List<Outgoing>> batch)
      throws JMSException {
    for (List<Outgoing> group : batch) {
      for (Outgoing m : group) {
        Destination to =
            m.topic() ? session.createTopic(m.address()) : session.createQueue(m.address());
        Message message = session.createTextMessage(m.body());
        for (Map.Entry<String, String> p : m.properties().entrySet()) {
          message.setStringProperty(p.getKey(), p.getValue());
        }
        if (m.correlationId() != null) {
          message.setJMSCorrelationID(m.correlationId());
        }
        producer.setDeliveryDelay(m.delayMillis());
        producer.send(
            to, message, DeliveryMode.PERSISTENT, m.jmsPriority(), Message.DEFAULT_TIME_TO_LIVE);
      }
    }
  }

  private void confirmed(List<List<Outgoing>> batch) {
    if (dispatchConfirms.isEmpty() && noticeConfirms.isEmpty()) {
      confirmsSince = System.currentTimeMillis();
    }
    for (List<Outgoing> group : batch) {
      for (Outgoing m : group) {
        sent.incrementAndGet();
        switch (m.confirms()) {
          case DISPATCH -> {
            dispatchConfirms.add(m.task());
            tokensWaiting.remove(m.task());
          }
          case NOTICE -> noticeConfirms.add(m.task());
          case NOTHING -> {}
        }
      }
    }
  }

  private void leave(List<Outgoing> group, String why) {
    for (Outgoing m : group) {
      if (m.isTokenToConfirm()) {
        tokensWaiting.remove(m.task());
      }
    }
    if (left.getAndAdd(group.size()) == 0 || LOG.isLoggable(Level.FINE)) {
      LOG.warning(
          () ->
              "Outbox relay: "
                  + group.size()
                  + " message(s) not sent ("
                  + why
                  + "); the sweep sends what their tasks still owe");
    }
  }

  /**
   * Records what the broker has. Tasks claimed in the meantime are left alone (their wait is over);
   * if the database is away, the confirmations are kept for the next round and, at worst, the sweep
   * sends a token twice, which costs an empty claim.
   */
  private void writeConfirmationsIfDue() {
    int pending = dispatchConfirms.size() + noticeConfirms.size();
    if (pending == 0
        || (pending < CONFIRM_MAX
            && System.currentTimeMillis() - confirmsSince < CONFIRM_EVERY_MILLIS)) {
      return;
    }
    try (Connection c = database.getConnection()) {
      c.setAutoCommit(true);
      if (!dispatchConfirms.isEmpty()) {
        update(
            c,
            "UPDATE task SET dispatched_at = now() WHERE id = ANY (?)"
                + " AND state = 'QUEUED' AND dispatched_at IS NULL",
            dispatchConfirms);
      }
      if (!noticeConfirms.isEmpty()) {
        update(c, "UPDATE task SET notice_pending = false WHERE id = ANY (?)", noticeConfirms);
      }
      dispatchConfirms.clear();
      noticeConfirms.clear();
    } catch (SQLException | RuntimeException e) {
      LOG.warning(() -> "Outbox relay: confirmations not written yet (" + e + ")");
      if (dispatchConfirms.size() + noticeConfirms.size() > CAPACITY) {
        dispatchConfirms.clear();
        noticeConfirms.clear();
      }
      confirmsSince = System.currentTimeMillis();
    }
  }

  private static void update(Connection c, String sql, List<UUID> ids) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      s.executeUpdate();
    }
  }
}
