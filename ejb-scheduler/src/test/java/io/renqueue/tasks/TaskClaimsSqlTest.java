package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.renqueue.dispatch.OutboxRelay;
import io.renqueue.storage.DirectSql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claim statement that production runs ({@link TaskClaims#CLAIM}), against a real PostgreSQL
 * with the application's migrations: which task a free slot takes, what it charges, what it leaves
 * alone, that racing slots never take the same task, and that it reads an index however long the
 * queue is.
 */
class TaskClaimsSqlTest {

  private static EmbeddedPostgres pg;
  private static DataSource db;
  private static TaskClaims claims;

  @BeforeAll
  static void database() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    db = pg.getPostgresDatabase();
    migrate();
    DirectSql sql = new DirectSql();
    set(sql, "database", db);
    set(sql, "relay", new OutboxRelay());
    claims = new TaskClaims();
    claims.sql = sql;
  }

  @AfterAll
  static void stop() throws IOException {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void emptyQueue() throws SQLException {
    exec(
        "DELETE FROM task_dependency; DELETE FROM task; DELETE FROM tenant_share;"
            + " DELETE FROM tenant WHERE id <> 'default'; UPDATE tenant SET virtual_tokens = 0");
  }

  @Test
  void aSlotTakesTheHighestDispatchPriorityFirstThenTheOldestTask() throws SQLException {
    UUID oldBatch = queued("default", 0, "10 minutes");
    UUID newCritical = queued("default", 9, "1 second");
    UUID oldCritical = queued("default", 9, "5 seconds");

    assertThat(claimed()).containsExactly(oldCritical, newCritical, oldBatch);
  }

  @Test
  void aClaimLeasesTheTaskToItsNodeAndCountsTheAttempt() throws SQLException {
    UUID id = queued("default", 4, "1 second");

    ClaimedTask c = claims.claimNext("node-1", 30, List.of()).orElseThrow();

    assertThat(c.task().getId()).isEqualTo(id);
    assertThat(c.fence()).isEqualTo(1);
    assertThat(text("SELECT state || ' ' || node_id FROM task WHERE id = '" + id + "'"))
        .isEqualTo("RUNNING node-1");
    assertThat(
            number(
                "SELECT extract(epoch FROM lease_expires_at - now()) FROM task WHERE id = '"
                    + id
                    + "'"))
        .isBetween(25.0, 31.0);
  }

  @Test
  void atOneLevelTheTenantWithTheLowestCounterGoesFirstAndIsChargedItsTokensOverItsWeight()
      throws SQLException {
    tenant("heavy", 1, 1000);
    tenant("light", 2, 10);
    UUID heavyTask = queued("heavy", 4, "1 hour");
    UUID lightTask = queued("light", 4, "1 second");

    Optional<ClaimedTask> first = claims.claimNext("n", 30, List.of());

    assertThat(first.orElseThrow().task().getId())
        .as("the younger task of the tenant that used less")
        .isEqualTo(lightTask);
    // estimated_tokens 100 at weight 2 charges 50 to one of light's shard rows.
    assertThat(counter("light")).isEqualTo(10 + 50.0);
    assertThat(claims.claimNext("n", 30, List.of()).orElseThrow().task().getId())
        .isEqualTo(heavyTask);
    assertThat(counter("heavy")).isEqualTo(1000 + 100.0);
  }

  @Test
  void tasksNotDueExpiredBlockedOrLeftToOtherNodesAreNotClaimed() throws SQLException {
    UUID later = queued("default", 9, "1 second");
    exec("UPDATE task SET not_before = now() + interval '1 hour' WHERE id = '" + later + "'");
    UUID expired = queued("default", 9, "1 second");
    exec("UPDATE task SET expires_at = now() - interval '1 second' WHERE id = '" + expired + "'");
    UUID blocked = queued("default", 9, "1 second");
    exec("UPDATE task SET blocked = true WHERE id = '" + blocked + "'");
    UUID otherModel = queued("default", 9, "1 second");
    exec("UPDATE task SET model = 'big-model' WHERE id = '" + otherModel + "'");

    assertThat(claims.claimNext("n", 30, List.of("big-model"))).isEmpty();
    assertThat(claims.claimNext("n", 30, List.of()).orElseThrow().task().getId())
        .isEqualTo(otherModel);
  }

  @Test
  void slotsClaimingAtTheSameTimeNeverTakeTheSameTask() throws Exception {
    int tasks = 200;
    for (int i = 0; i < tasks; i++) {
      queued(i % 3 == 0 ? "default" : "t" + (i % 5), 4, i + " seconds");
    }
    ExecutorService slots = Executors.newFixedThreadPool(8);
    List<Future<List<UUID>>> results = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      results.add(
          slots.submit(
              () -> {
                List<UUID> mine = new ArrayList<>();
                for (Optional<ClaimedTask> c = claims.claimNext("n", 30, List.of());
                    c.isPresent();
                    c = claims.claimNext("n", 30, List.of())) {
                  mine.add(c.get().task().getId());
                }
                return mine;
              }));
    }
    List<UUID> all = new ArrayList<>();
    for (Future<List<UUID>> f : results) {
      all.addAll(f.get());
    }
    slots.shutdown();

    assertThat(all).hasSize(tasks).doesNotHaveDuplicates();
    assertThat(number("SELECT count(*) FROM task WHERE attempts <> 1")).isZero();
  }

  @Test
  void theClaimReadsAnIndexNotTheWholeQueueWhenItIsLong() throws SQLException {
    tenant("backlog", 1, 0);
    exec(
        "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json, created_at,"
            + " dispatch_priority, dispatched_at, estimated_tokens)"
            + " SELECT gen_random_uuid(), CASE WHEN g % 10 = 0 THEN 'default' ELSE 'backlog' END,"
            + " 'CHAT', 'm', 'BATCH', 'QUEUED', '{}', now() - make_interval(secs => g),"
            + " g % 3, now(), 10 FROM generate_series(1, 200000) g; ANALYZE task");
    // The one task that comes first is the newest of all: an older backlog lies before it in age.
    UUID urgent = queued("default", 9, "0 seconds");

    String plan;
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement("EXPLAIN (ANALYZE) " + TaskClaims.CLAIM)) {
        s.setArray(1, c.createArrayOf("text", new Object[0]));
        s.setArray(2, c.createArrayOf("text", new Object[0]));
        s.setArray(3, c.createArrayOf("text", new Object[0]));
        s.setString(4, "n");
        s.setInt(5, 30);
        s.setShort(6, (short) 0);
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            b.append(rs.getString(1)).append('\n');
          }
        }
        plan = b.toString();
      } finally {
        c.rollback();
      }
    }
    System.out.println("Claim with 200,000 queued:\n" + plan);
    assertThat(plan).doesNotContain("Seq Scan on task");
    java.util.regex.Matcher removed =
        java.util.regex.Pattern.compile("Rows Removed by [^:]+: (\\d+)").matcher(plan);
    while (removed.find()) {
      assertThat(Integer.parseInt(removed.group(1)))
          .as("rows read and thrown away\n" + plan)
          .isLessThan(100);
    }
    assertThat(claims.claimNext("n", 30, List.of()).orElseThrow().task().getId()).isEqualTo(urgent);
  }

  private static List<UUID> claimed() {
    List<UUID> order = new ArrayList<>();
    for (Optional<ClaimedTask> c = claims.claimNext("n", 30, List.of());
        c.isPresent();
        c = claims.claimNext("n", 30, List.of())) {
      order.add(c.get().task().getId());
    }
    return order;
  }

  private static UUID queued(String tenant, int dispatchPriority, String age) throws SQLException {
    if (!tenant.equals("default")) {
      try (Connection c = db.getConnection();
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO tenant (id, name) VALUES ('"
                + tenant
                + "', '"
                + tenant
                + "')"
                + " ON CONFLICT (id) DO NOTHING");
      }
    }
    UUID id = UUID.randomUUID();
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json,"
                    + " created_at, dispatch_priority, dispatched_at, estimated_tokens)"
                    + " VALUES (?, ?, 'CHAT', 'm', 'NORMAL', 'QUEUED', '{}',"
                    + " now() - ?::interval, ?, now(), 100)")) {
      s.setObject(1, id);
      s.setString(2, tenant);
      s.setString(3, age);
      s.setInt(4, dispatchPriority);
      s.executeUpdate();
    }
    return id;
  }

  private static void tenant(String id, double weight, double tokens) throws SQLException {
    exec(
        "INSERT INTO tenant (id, name, weight, virtual_tokens) VALUES ('"
            + id
            + "', '"
            + id
            + "', "
            + weight
            + ", "
            + tokens
            + ")");
  }

  private static double counter(String tenant) throws SQLException {
    return number(
        "SELECT n.virtual_tokens + coalesce((SELECT sum(virtual_tokens) FROM tenant_share"
            + " WHERE tenant_id = n.id), 0) FROM tenant n WHERE n.id = '"
            + tenant
            + "'");
  }

  private static void migrate() throws IOException, SQLException {
    for (String script : resource("index.txt").split("\n")) {
      if (!script.isBlank()) {
        exec(resource(script.trim()));
      }
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in =
        TaskClaimsSqlTest.class.getClassLoader().getResourceAsStream("db/migration/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void exec(String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String text(String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static double number(String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  private static void set(Object target, String field, Object value) throws Exception {
    var f = target.getClass().getDeclaredField(field);
    f.setAccessible(true);
    f.set(target, value);
  }
}
