package io.renqueue.bench;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * What the broker and the database can durably write on this box, with no scheduler in between: N
 * clients each committing a 1 KiB row (synchronous commit) and sending a 1 KiB persistent message
 * (blocking until the broker has it on disk), as fast as they can.
 */
final class DurableWriteBaseline {

  enum Mode {
    DATABASE_ONLY,
    BROKER_ONLY,
    DATABASE_AND_BROKER
  }

  private static final String PAYLOAD = "x".repeat(1024);

  private final BenchConfig config;

  DurableWriteBaseline(BenchConfig config) {
    this.config = config;
  }

  void prepare() throws SQLException {
    try (Connection c = db();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS bench_baseline (id uuid PRIMARY KEY, payload text NOT NULL)");
    }
  }

  /** Writes per second over {@code config.seconds()} with {@code config.clients()} clients. */
  double measure(Mode mode) throws Exception {
    AtomicLong writes = new AtomicLong();
    long deadline = System.nanoTime() + config.seconds() * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(config.clients());
    Exception[] failure = new Exception[1];
    try (ActiveMQConnectionFactory cf = broker()) {
      for (int i = 0; i < config.clients(); i++) {
        Thread t =
            new Thread(
                () -> {
                  try (Connection c = db();
                      PreparedStatement insert =
                          c.prepareStatement(
                              "INSERT INTO bench_baseline (id, payload) VALUES (?, ?)");
                      JMSContext jms = cf.createContext()) {
                    Queue queue = jms.createQueue("bench.baseline");
                    JMSProducer producer =
                        jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
                    while (System.nanoTime() < deadline) {
                      if (mode != Mode.BROKER_ONLY) {
                        insert.setObject(1, UUID.randomUUID());
                        insert.setString(2, PAYLOAD);
                        insert.executeUpdate();
                      }
                      if (mode != Mode.DATABASE_ONLY) {
                        producer.send(queue, PAYLOAD);
                      }
                      writes.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failure[0] = e;
                  } finally {
                    done.countDown();
                  }
                });
        t.start();
      }
      done.await();
      if (failure[0] != null) {
        throw failure[0];
      }
      drain(cf);
    }
    return writes.get() / (double) config.seconds();
  }

  /** Empties the baseline queue and table so the next measurement starts from the same state. */
  private void drain(ActiveMQConnectionFactory cf) throws SQLException {
    try (JMSContext jms = cf.createContext(JMSContext.DUPS_OK_ACKNOWLEDGE);
        JMSConsumer consumer = jms.createConsumer(jms.createQueue("bench.baseline"))) {
      while (consumer.receive(500) != null) {
        // discard
      }
    }
    try (Connection c = db();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE bench_baseline");
    }
  }

  private Connection db() throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
  }

  private ActiveMQConnectionFactory broker() {
    return new ActiveMQConnectionFactory(
        config.brokerUrl(), config.brokerUser(), config.brokerPassword());
  }
}
