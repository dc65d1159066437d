package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the Artemis broker under load, then a restart on its journal 10 s later: the API
 * answers only 202 or 503 problem+json with Retry-After (a submission mostly waits for the broker
 * to come back: the resource adapter reconnects), the servers reconnect by themselves, and every
 * task accepted before, during or after ends SUCCEEDED exactly once. Tokens persisted in the
 * journal come back with the broker; a token lost between the two phases of a commit is replaced by
 * the sweep once idle slots see the task wait (three sweep or heartbeat intervals).
 */
class BrokerChaosIT {

  private static final int BROKER_PORT = 61646;

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void withTheBrokerKilledAndRestartedUnderLoadNothingAcceptedIsLostOrRunTwice() throws Exception {
    simulator(SIM_A, "{\"first_token_ms\":500}");
    simulator(SIM_B, "{\"first_token_ms\":500}");
    try (SubmissionLoad load = new SubmissionLoad(SCHEDULERS.get(0), "broker outage")) {
      sleep(4000);

      long pid = Long.parseLong(stackState().getProperty("artemis.pid"));
      List<String> command = commandLine(pid);
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
      sleep(10_000);
      restartBroker(command);
      int acceptedWhenBack = load.accepted.size();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .alias("the API accepts tasks again once the broker is back")
          .until(() -> load.acceptingSince(acceptedWhenBack));
      sleep(10_000);
      load.close();

      load.assertNothingAcceptedWasLost(20);
    }
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
