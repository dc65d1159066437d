package io.renqueue.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Tenant fair share: two tenants of equal weight submit normal work 10:1, far more than the slots
 * can do at once. Compares the tokens each tenant had completed by the time the smaller one's
 * backlog ran out (while both were waiting); first come, first served would give 10:1.
 */
final class FairShareUnderFlood {

  record Sample(String tenant, Instant started, long tokens) {}

  private final BenchConfig config;
  private final HttpClient http = HttpClient.newHttpClient();

  FairShareUnderFlood(BenchConfig config) {
    this.config = config;
  }

  String run(int smallTenantTasks, int backendMillis, List<String> simulators) throws Exception {
    for (String sim : simulators) {
      post(sim + "/sim/config", "{\"first_token_ms\":" + backendMillis + "}", null);
    }
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String flood = "flood-" + suffix;
    String calm = "calm-" + suffix;
    ExecutorService clients = Executors.newFixedThreadPool(config.clients());
    try {
      List<Future<?>> submits = new ArrayList<>();
      for (int i = 0; i < smallTenantTasks * 11; i++) {
        String tenant = i % 11 == 10 ? calm : flood;
        int n = i;
        submits.add(clients.submit(() -> submit(tenant, "fair " + n)));
      }
      for (Future<?> f : submits) {
        f.get();
      }
    } finally {
      clients.shutdown();
    }
    List<Sample> samples = awaitSamples(flood, calm, smallTenantTasks * 11);
    for (String sim : simulators) {
      post(sim + "/sim/config", "{\"first_token_ms\":0}", null);
    }
    return report(samples, flood, calm, smallTenantTasks, backendMillis);
  }

  static String report(
      List<Sample> samples, String flood, String calm, int calmTasks, int backendMillis) {
    Instant calmLastStart =
        samples.stream()
            .filter(s -> s.tenant().equals(calm))
            .map(Sample::started)
            .max(Instant::compareTo)
            .orElseThrow();
    long floodTokens = tokensStartedBy(samples, flood, calmLastStart);
    long calmTokens = tokensStartedBy(samples, calm, calmLastStart);
    long floodTasks =
        samples.stream()
            .filter(s -> s.tenant().equals(flood) && !s.started().isAfter(calmLastStart))
            .count();
    double ratio = (double) Math.max(floodTokens, calmTokens) / Math.min(floodTokens, calmTokens);
    return String.format(
        Locale.ROOT,
        """
        ### Tenant fair share under a flood

        | measure | value |
        |---|---|
        | submitted (normal, equal weights) | %d flood : %d calm tasks (10:1), all at once; backend answers in %d ms; 8 slots |
        | tasks started until the calm tenant's last one | %d flood, %d calm |
        | tokens of those tasks | %d flood, %d calm |
        | **token ratio while both waited** | **%.2f : 1** (target ≤ 1.5 : 1; first come, first served: 10 : 1) |
        """,
        calmTasks * 10,
        calmTasks,
        backendMillis,
        floodTasks,
        calmTasks,
        floodTokens,
        calmTokens,
        ratio);
  }

  private static long tokensStartedBy(List<Sample> samples, String tenant, Instant until) {
    return samples.stream()
        .filter(s -> s.tenant().equals(tenant) && !s.started().isAfter(until))
        .mapToLong(Sample::tokens)
        .sum();
  }

  private List<Sample> awaitSamples(String flood, String calm, int expected) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement done =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE tenant_id IN (?, ?)"
                    + " AND state IN ('SUCCEEDED','FAILED','EXPIRED','CANCELLED')");
        PreparedStatement rows =
            c.prepareStatement(
                "SELECT tenant_id, started_at, coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0)"
                    + " FROM task WHERE tenant_id IN (?, ?) AND state = 'SUCCEEDED'")) {
      done.setString(1, flood);
      done.setString(2, calm);
      while (true) {
        try (ResultSet rs = done.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= expected) {
            break;
          }
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("Fair-share run did not finish within 15 minutes");
        }
        Thread.sleep(1000);
      }
      rows.setString(1, flood);
      rows.setString(2, calm);
      List<Sample> samples = new ArrayList<>();
      try (ResultSet rs = rows.executeQuery()) {
        while (rs.next()) {
          samples.add(new Sample(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getLong(3)));
        }
      }
      if (samples.size() != expected) {
        throw new IllegalStateException(
            "Fair-share run: " + (expected - samples.size()) + " tasks did not succeed");
      }
      return samples;
    }
  }

  private Object submit(String tenant, String prompt) throws Exception {
    HttpResponse<Void> r =
        post(
            config.apiUrl() + "/api/v1/tasks",
            "{\"model\":\"sim-small\",\"priority\":\"normal\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt
                + "\"}]}",
            tenant);
    if (r.statusCode() != 202) {
      throw new IllegalStateException("POST answered " + r.statusCode());
    }
    return null;
  }

  private HttpResponse<Void> post(String url, String body, String tenant) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (tenant != null) {
      request.header("X-Tenant", tenant);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding());
  }
}
