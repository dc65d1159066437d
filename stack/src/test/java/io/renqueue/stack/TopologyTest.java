package io.renqueue.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologyTest {

  @Test
  void theQuickStartRunsOneSchedulerAndTwoWorkers() {
    Topology run = Topology.named("run");
    assertThat(run.servers()).filteredOn(Topology.Server::scheduler).hasSize(1);
    assertThat(run.servers()).filteredOn(Topology.Server::worker).hasSize(2);
    assertThat(run.apiServer().httpPort()).isEqualTo(9080);
    assertThat(run.simulators()).hasSize(2);
  }

  @Test
  void theTestStackNeverSharesAPortWithTheQuickStart() {
    Set<Integer> run = ports(Topology.named("run"));
    Set<Integer> test = ports(Topology.named("test"));
    assertThat(run).doesNotContainAnyElementsOf(test);
  }

  @Test
  void theChaosStackSharesNoPortWithTheQuickStartOrTheTestStack() {
    Set<Integer> chaos = ports(Topology.named("chaos"));
    assertThat(chaos).doesNotContainAnyElementsOf(ports(Topology.named("run")));
    assertThat(chaos).doesNotContainAnyElementsOf(ports(Topology.named("test")));
    assertThat(Topology.named("chaos").servers().stream().filter(s -> s.scheduler()).count())
        .isEqualTo(2);
  }

  @Test
  void anUnknownTopologyIsRefused() {
    assertThatThrownBy(() -> Topology.named("prod")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachServerGetsItsRolePortsBackendsAndSecrets() {
    Topology run = Topology.named("run");
    Credentials c = Credentials.from(Map.of("RENQUEUE_ADMIN_PASSWORD", "s3cret"));
    Map<String, String> api = LibertyServers.variables(run, run.servers().get(0), c);
    Map<String, String> worker = LibertyServers.variables(run, run.servers().get(1), c);

    assertThat(api)
        .containsEntry("worker.enabled", "false")
        .containsEntry("renqueue.scheduler.enabled", "true");
    assertThat(worker)
        .containsEntry("worker.enabled", "true")
        .containsEntry("worker.slots", "4")
        .containsEntry("renqueue.scheduler.enabled", "false")
        .containsEntry("http.port", "9081");
    assertThat(api)
        .containsEntry("renqueue.backends", "sim-a,sim-b")
        .containsEntry("renqueue.backend.sim-b.url", "http://127.0.0.1:8092/v1")
        .containsEntry("admin.password", "s3cret")
        .containsEntry("db.host", "127.0.0.1")
        .containsEntry("db.port", "15432");
  }

  @Test
  void anExistingDatabaseReplacesTheEmbeddedOne() {
    Topology run = Topology.named("run");
    Credentials c =
        Credentials.from(
            Map.of(
                "RENQUEUE_DB_HOST",
                "db.internal",
                "RENQUEUE_DB_PORT",
                "5432",
                "RENQUEUE_DB_NAME",
                "rq"));
    assertThat(c.embeddedDatabase()).isFalse();
    assertThat(LibertyServers.variables(run, run.servers().get(0), c))
        .containsEntry("db.host", "db.internal")
        .containsEntry("db.port", "5432")
        .containsEntry("db.name", "rq");
  }

  @Test
  void generatedPasswordsDifferPerRun() {
    assertThat(Credentials.from(Map.of()).adminPassword())
        .isNotEqualTo(Credentials.from(Map.of()).adminPassword());
    assertThat(Credentials.from(Map.of()).adminToken())
        .isNotEqualTo(Credentials.from(Map.of()).adminToken());
  }

  @Test
  void everyServerGetsTheAdminToken() {
    Topology test = Topology.named("test");
    Credentials c = Credentials.from(Map.of("RENQUEUE_ADMIN_TOKEN", "t0ken"));
    assertThat(LibertyServers.variables(test, test.servers().get(0), c))
        .containsEntry("renqueue.admin.token", "t0ken");
  }

  private static Set<Integer> ports(Topology t) {
    Set<Integer> ports = new HashSet<>(List.of(t.databasePort(), t.brokerPort()));
    t.simulators().forEach(s -> ports.add(s.port()));
    t.servers()
        .forEach(
            s -> {
              ports.add(s.httpPort());
              ports.add(s.httpsPort());
            });
    return ports;
  }
}
