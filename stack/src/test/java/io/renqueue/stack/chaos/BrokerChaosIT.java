package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker killed (kill -9, restarted on its journal 10 s later) or frozen (SIGSTOP for 12 s: its
 * connections stay open and nothing answers, as in a network partition) under load. Submissions
 * need only PostgreSQL, so every one is answered 202 at once while the broker is away, the task
 * says it waits for the broker and {@code /health} says so too; once the broker is back, the tokens
 * the outage kept from it are sent (by the relay, or the sweep for tasks whose relay gave up), and
 * every task accepted before, during or after ends SUCCEEDED exactly once.
 */
class BrokerChaosIT {

  private static final int BROKER_PORT = 61646;

  /** How long any one submission may take while the broker is away: it never waits for it. */
  private static final long SUBMIT_WITHOUT_BROKER_MS = 1000;

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void withTheBrokerKilledSubmissionsAreAcceptedAtOnceAndAllRunOnceWhenItIsBack() throws Exception {
    simulator(SIM_A, "{\"first_token_ms\":500}");
    simulator(SIM_B, "{\"first_token_ms\":500}");
    String scheduler = SCHEDULERS.get(0);
    try (SubmissionLoad load = new SubmissionLoad(scheduler, "broker outage")) {
      sleep(4000);

      long pid = Long.parseLong(stackState().getProperty("artemis.pid"));
      List<String> command = commandLine(pid);
      long down = System.nanoTime();
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
      await()
          .atMost(Duration.ofSeconds(10))
          .alias("/health says the broker is unreachable")
          .until(() -> brokerState(scheduler).equals("unreachable"));
      sleep(8_000);
      long restarting = System.nanoTime();
      restartBroker(command);
      await()
          .atMost(Duration.ofSeconds(60))
          .alias("/health says the broker is up again")
          .until(() -> brokerState(scheduler).equals("up"));
      sleep(10_000);
      load.close();

      assertAnsweredAtOnceWithoutBroker(load.answersBetween(down, restarting));
      load.assertNothingAcceptedWasLost(20);
      assertThat(load.refused).as("no submission refused for want of a broker").isEmpty();
    }
  }

  @Test
  void withTheBrokerFrozenSubmissionsAreAcceptedAtOnceAndAllRunOnceWhenItAnswersAgain()
      throws Exception {
    simulator(SIM_A, "{\"first_token_ms\":200}");
    simulator(SIM_B, "{\"first_token_ms\":200}");
    String scheduler = SCHEDULERS.get(0);
    long pid = Long.parseLong(stackState().getProperty("artemis.pid"));
    try (SubmissionLoad load = new SubmissionLoad(scheduler, "broker frozen")) {
      sleep(3000);
      long frozen = System.nanoTime();
      kill("STOP", pid);
      try {
        sleep(12_000);
      } finally {
        kill("CONT", pid);
      }
      long thawed = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .alias("/health says the broker is up again")
          .until(() -> brokerState(scheduler).equals("up"));
      sleep(8_000);
      load.close();

      assertAnsweredAtOnceWithoutBroker(load.answersBetween(frozen, thawed));
      load.assertNothingAcceptedWasLost(20);
      assertThat(load.refused).as("no submission refused for want of a broker").isEmpty();
    }
  }

  private static void assertAnsweredAtOnceWithoutBroker(List<SubmissionLoad.Answer> during) {
    long slowest = during.stream().mapToLong(SubmissionLoad.Answer::millis).max().orElse(0);
    System.out.printf(
        "Without broker: %d submissions, slowest %d ms, %d said they wait for the broker%n",
        during.size(), slowest, during.stream().filter(a -> a.waitingReason() != null).count());
    assertThat(during).as("submissions while the broker was away").hasSizeGreaterThan(20);
    assertThat(during).allSatisfy(a -> assertThat(a.status()).isEqualTo(202));
    assertThat(slowest).isLessThan(SUBMIT_WITHOUT_BROKER_MS);
    assertThat(during)
        .as("accepted tasks say they wait for the broker")
        .anySatisfy(a -> assertThat(a.waitingReason()).contains("broker"));
  }

  /** What the scheduler's /health says about the broker: up or unreachable. */
  private static String brokerState(String scheduler) {
    try {
      jakarta.json.JsonObject health =
          json(
              send(java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(url(scheduler) + "/health/ready"))
                      .timeout(Duration.ofSeconds(3)))
                  .body());
      return health.getJsonArray("checks").getValuesAs(jakarta.json.JsonObject.class).stream()
          .filter(c -> c.getString("name").equals("dispatch"))
          .map(c -> c.getJsonObject("data").getString("broker"))
          .findFirst()
          .orElse("no dispatch check");
    } catch (RuntimeException e) {
      return "no answer: " + e;
    }
  }

  private static void kill(String signal, long pid) throws Exception {
    int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor();
    assertThat(exit).as("kill -" + signal + " " + pid).isZero();
  }

  /** Runs the broker the way the launcher did, on the same instance and journal. */
  private static void restartBroker(List<String> command) throws Exception {
    List<String> run = new java.util.ArrayList<>(command);
    if (new File("/usr/bin/setsid").canExecute()) {
      // Its own session, as the launcher starts it: not ended with this test's JVM.
      run.add(0, "/usr/bin/setsid");
    }
    ProcessBuilder pb =
        new ProcessBuilder(run)
            .directory(stackDir().resolve("broker/instance").toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    new File(stackDir().resolve("broker/artemis.log").toString())));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process broker = pb.start();
    recordPid("artemis.pid", broker.pid(), "broker restarted by a chaos test");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .alias("Artemis listens again")
        .until(BrokerChaosIT::listening);
  }

  private static boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", BROKER_PORT), 500);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
