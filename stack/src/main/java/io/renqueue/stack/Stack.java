package io.renqueue.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts and stops the whole local stack: PostgreSQL, Artemis, the backend simulators and the
 * Liberty servers, all on 127.0.0.1.
 *
 * <ul>
 *   <li>{@code run}: start, print the URLs, stay in the foreground; Ctrl-C or SIGTERM stops
 *       everything that was started, in order (Liberty, simulators, broker, database).
 *   <li>{@code start}: start and return, leaving a state file (used before integration tests).
 *   <li>{@code stop}: stop what the state file names, by PID.
 *   <li>{@code add-worker}: add one more worker server to the running stack, like its first.
 * </ul>
 *
 * Set RENQUEUE_DB_HOST (with RENQUEUE_DB_PORT/…_PASSWORD) to use an existing PostgreSQL instead of
 * the embedded one.
 */
public final class Stack {

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  private final Path dir = Path.of(required("renqueue.stack.dir"));
  private final Path wlp = Path.of(required("renqueue.stack.wlp"));
  private final Path artemisHome = Path.of(required("renqueue.stack.artemis-home"));
  private final Path artifacts = Path.of(required("renqueue.stack.artifacts"));
  private final Path libertyConfig = Path.of(required("renqueue.stack.liberty-config"));
  private final Topology topology =
      Topology.named(System.getProperty("renqueue.stack.topology", "run"));
  private final LibertyServers liberty = new LibertyServers(wlp, libertyConfig, artifacts);

  /** A launcher configured by the renqueue.stack.* system properties Maven passes. */
  public Stack() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "run" : args[0];
    Stack stack = new Stack();
    switch (mode) {
      case "start" -> stack.start();
      case "stop" -> stack.stop();
      case "run" -> stack.run();
      case "add-worker" -> stack.addWorker();
      default -> throw new IllegalArgumentException("Usage: Stack run|start|stop|add-worker");
    }
  }

  public void run() throws Exception {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Log.info("Stopping Ren-Queue…");
                  stop();
                  Log.info("Everything Ren-Queue started has stopped.");
                },
                "renqueue-stack-shutdown"));
    Credentials credentials = startAll();
    System.out.println(Banner.text(topology, credentials));
    // Stay in the foreground; the JVM exits through the shutdown hook on Ctrl-C or SIGTERM.
    Thread.currentThread().join();
  }

  private volatile Credentials started;

  /** Starts every component; on failure stops what it started and rethrows. */
  public void start() throws Exception {
    started = startAll();
  }

  /** The admin API's bearer token of the stack this object started. */
  public String adminToken() {
    if (started == null) {
      throw new IllegalStateException("the stack is not started");
    }
    return started.adminToken();
  }

  private Credentials startAll() throws Exception {
    StackState previous = StackState.at(dir);
    if (previous.exists()) {
      Log.warn("A previous stack was not stopped cleanly; stopping what it left running first");
      stop();
    }
    Files.createDirectories(dir);
    StackState state = StackState.at(dir);
    state.put("topology", topology.name());
    Credentials credentials = Credentials.from(System.getenv());
    try {
      if (credentials.embeddedDatabase()) {
        Database.start(dir.resolve("postgres/data"), topology.databasePort(), credentials, state);
      }
      Broker.start(
          artemisHome, dir.resolve("broker/instance"), topology.brokerPort(), credentials, state);
      Simulators.start(topology.simulators(), artifacts.resolve("simulator.classpath"), dir, state);
      liberty.create(topology, credentials);
      liberty.start(topology, state, READY_TIMEOUT);
      return credentials;
    } catch (Exception e) {
      Log.warn("Start failed (" + e.getMessage() + "); stopping what was started");
      stop();
      throw e;
    }
  }

  /** Adds a worker server to the stack that is running now (started by run or start). */
  public void addWorker() throws Exception {
    StackState state = StackState.at(dir);
    if (!state.exists()) {
      throw new IllegalStateException(
          "No Ren-Queue stack is running here; start one first (mvn -Prun verify)");
    }
    state.load();
    Topology.Server added = liberty.addWorker(state, READY_TIMEOUT);
    Log.info(
        "Worker "
            + added.name()
            + " joined on "
            + added.url()
            + " ("
            + added.workerSlots()
            + " slots); stopping the stack stops it too");
  }

  /** Stops what the state file names, Liberty first and the database last. */
  public void stop() {
    StackState state = StackState.at(dir);
    if (!state.exists()) {
      return;
    }
    try {
      state.load();
      liberty.stop(state);
      Simulators.stop(topology.simulators(), state);
      Broker.stop(state);
      Database.stop(state);
      state.delete();
    } catch (Exception e) {
      Log.warn("Stopping the stack failed: " + e);
    }
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "System property "
              + property
              + " is not set; run the launcher through Maven (see README)");
    }
    return value;
  }
}
