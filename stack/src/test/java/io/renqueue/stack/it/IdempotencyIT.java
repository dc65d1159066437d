package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IdempotencyIT {

  @Test
  void twentyRacingSubmissionsWithOneKeyCreateExactlyOneTask() throws Exception {
    String key = "key-" + UUID.randomUUID();
    String body =
        Json.createObjectBuilder(json(chat(unique("idempotent"), "normal")))
            .add("idempotency_key", key)
            .build()
            .toString();
    ExecutorService pool = Executors.newFixedThreadPool(20);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Callable<Reply> post =
          () -> {
            go.await();
            return post("/api/v1/tasks", body);
          };
      replies.add(pool.submit(post));
    }
    go.countDown();
    List<Reply> results = new ArrayList<>();
    for (Future<Reply> f : replies) {
      results.add(f.get());
    }
    pool.shutdown();

    assertThat(results).extracting(Reply::status).containsOnly(200, 202);
    assertThat(results).filteredOn(r -> r.status() == 202).hasSize(1);
    assertThat(results)
        .extracting(r -> r.json().getString("id"))
        .containsOnly(results.get(0).json().getString("id"));
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement("SELECT count(*) FROM task WHERE idempotency_key = ?")) {
      q.setString(1, key);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
    awaitState(results.get(0).json().getString("id"), "SUCCEEDED");
  }

  @Test
  void resubmittingLaterReturnsTheFinishedTaskWith200() {
    String key = "key-" + UUID.randomUUID();
    String body =
        Json.createObjectBuilder(json(chat(unique("again"), "low")))
            .add("idempotency_key", key)
            .build()
            .toString();
    String id = post("/api/v1/tasks", body).json().getString("id");
    awaitState(id, "SUCCEEDED");

    Reply again = post("/api/v1/tasks", body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("id")).isEqualTo(id);
    assertThat(again.json().getString("state")).isEqualTo("SUCCEEDED");
  }
}
