package io.renqueue.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The OpenAI-compatible backend simulators, each its own JVM so it outlives the launcher. */
final class Simulators {

  private Simulators() {}

  static void start(
      List<Topology.Simulator> sims, Path classpathFile, Path logDir, StackState state)
      throws IOException {
    String classpath = Files.readString(classpathFile).trim();
    List<Process> started = new ArrayList<>();
    for (Topology.Simulator sim : sims) {
      Processes.requireFree("Simulator " + sim.name(), sim.port());
      Process p =
          new ProcessBuilder(
                  Processes.detached(
                      List.of(
                          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                          "-Xmx128m",
                          // TCP_NODELAY, as real model servers set it: without it the JDK's
                          // server sends a reply's headers and body in two segments and the
                          // second waits ~40 ms for the client's delayed ACK.
                          "-Dsun.net.httpserver.nodelay=true",
                          "-cp",
                          classpath,
                          "io.renqueue.simulator.BackendSimulator",
                          "--port",
                          String.valueOf(sim.port()),
                          "--name",
                          sim.name(),
                          "--models",
                          "*",
                          "--first-token-ms",
                          String.valueOf(sim.firstTokenMs()),
                          "--tokens-per-second",
                          "0")))
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(logDir.resolve(sim.name() + ".log").toFile()))
              .start();
      state.put("simulator." + sim.name() + ".pid", p.pid());
      started.add(p);
    }
    for (int i = 0; i < sims.size(); i++) {
      Topology.Simulator sim = sims.get(i);
      Processes.awaitPort(
          "Simulator " + sim.name(), sim.port(), Duration.ofSeconds(30), started.get(i).toHandle());
      Log.info("Backend simulator " + sim.name() + " ready on " + sim.baseUrl());
    }
  }

  static void stop(List<Topology.Simulator> sims, StackState state) {
    for (Topology.Simulator sim : sims) {
      long pid = state.pid("simulator." + sim.name() + ".pid");
      if (pid > 0) {
        Processes.stop(pid, Duration.ofSeconds(5));
        Log.info("Backend simulator " + sim.name() + " stopped");
      }
    }
  }
}
