package io.renqueue.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Creates one Liberty server per topology entry from liberty-config/ (the same files a production
 * install uses), writes its role and endpoints as variables in configDropins/overrides, and starts
 * and stops it with Liberty's own {@code server} script.
 */
final class LibertyServers {

  private final Path wlp;
  private final Path libertyConfig;
  private final Path artifacts;

  LibertyServers(Path wlp, Path libertyConfig, Path artifacts) {
    this.wlp = wlp;
    this.libertyConfig = libertyConfig;
    this.artifacts = artifacts;
  }

  void create(Topology topology, Credentials credentials) throws IOException {
    for (Topology.Server server : topology.servers()) {
      Processes.requireFree("Liberty server " + server.name(), server.httpPort());
      Processes.requireFree("Liberty server " + server.name(), server.httpsPort());
      Path dir = serverDir(server.name());
      Database.deleteRecursively(dir);
      copyTree(libertyConfig, dir);
      Files.createDirectories(dir.resolve("apps"));
      Files.createDirectories(dir.resolve("resources"));
      Files.copy(
          artifacts.resolve("renqueue.ear"),
          dir.resolve("apps/renqueue.ear"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          artifacts.resolve("artemis-ra.rar"),
          dir.resolve("resources/artemis-ra.rar"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          artifacts.resolve("postgresql.jar"),
          dir.resolve("resources/postgresql.jar"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(
          dir.resolve("jvm.options"), "-Xms128m\n-Xmx512m\n-XX:+ExitOnOutOfMemoryError\n");
      Path overrides = dir.resolve("configDropins/overrides");
      Files.createDirectories(overrides);
      Files.writeString(
          overrides.resolve("renqueue-stack.xml"),
          overridesXml(variables(topology, server, credentials)));
    }
  }

  static Map<String, String> variables(
      Topology topology, Topology.Server server, Credentials credentials) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("http.port", String.valueOf(server.httpPort()));
    v.put("https.port", String.valueOf(server.httpsPort()));
    v.put("db.host", credentials.dbHost());
    v.put("db.port", String.valueOf(credentials.dbPort(topology.databasePort())));
    v.put("db.name", credentials.dbName());
    v.put("db.user", credentials.dbUser());
    v.put("db.password", credentials.dbPassword());
    v.put("broker.port", String.valueOf(topology.brokerPort()));
    v.put("broker.user", credentials.brokerUser());
    v.put("broker.password", credentials.brokerPassword());
    v.put("admin.password", credentials.adminPassword());
    v.put("renqueue.admin.token", credentials.adminToken());
    v.put("keystore.password", credentials.keystorePassword());
    v.put("renqueue.node.id", server.name());
    v.put("renqueue.scheduler.enabled", String.valueOf(server.scheduler()));
    v.put("worker.enabled", String.valueOf(server.worker()));
    v.put("worker.slots", String.valueOf(Math.max(1, server.workerSlots())));
    v.put(
        "renqueue.backends",
        topology.simulators().stream()
            .map(Topology.Simulator::name)
            .collect(Collectors.joining(",")));
    for (Topology.Simulator sim : topology.simulators()) {
      v.put("renqueue.backend." + sim.name() + ".url", sim.baseUrl());
    }
    v.putAll(topology.settings());
    v.putAll(server.settings());
    return v;
  }

  /** Starts every server at once and waits until each reports ready (database and broker up). */
  void start(Topology topology, StackState state, Duration timeout) {
    state.put(
        "liberty.servers",
        topology.servers().stream().map(Topology.Server::name).collect(Collectors.joining(",")));
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (Topology.Server server : topology.servers()) {
      starting.add(
          CompletableFuture.runAsync(
              () -> {
                script("start", server.name());
                awaitReady(server, timeout);
                Log.info("Liberty server " + server.name() + " ready on " + server.url());
              }));
    }
    CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
  }

  private void awaitReady(Topology.Server server, Duration timeout) {
    Path log = serverDir(server.name()).resolve("logs/messages.log");
    java.time.Instant deadline = java.time.Instant.now().plus(timeout);
    while (java.time.Instant.now().isBefore(deadline)) {
      if (Processes.await200(server.url() + "/health/ready", Duration.ofSeconds(2))) {
        return;
      }
      List<String> failures = applicationFailures(log);
      if (!failures.isEmpty()) {
        throw new IllegalStateException(
            "Ren-Queue did not start on Liberty server "
                + server.name()
                + ":\n  "
                + String.join("\n  ", failures)
                + "\nSee "
                + log);
      }
    }
    throw new IllegalStateException(
        "Liberty server "
            + server.name()
            + " did not become ready within "
            + timeout.toSeconds()
            + " s; see "
            + log);
  }

  /** Liberty's "application could not start" messages, so a broken deployment fails in seconds. */
  private static List<String> applicationFailures(Path log) {
    try {
      return Files.exists(log)
          ? Files.readAllLines(log).stream()
              .filter(
                  l ->
                      l.contains("CWWKZ0002E")
                          || l.contains("CWWKZ0106E")
                          || l.contains("CWWKE0701E"))
              .map(l -> l.length() > 600 ? l.substring(0, 600) + "…" : l)
              .toList()
          : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Adds one more worker to a running stack, configured like its first worker (same database,
   * broker, backends and secrets) on the next free ports, and waits until it is ready. It is
   * recorded in the state file first, so stopping the stack stops it too.
   */
  Topology.Server addWorker(StackState state, Duration timeout) throws IOException {
    List<String> names = new ArrayList<>(List.of(state.get("liberty.servers").split(",")));
    Map<String, Map<String, String>> vars = new LinkedHashMap<>();
    for (String n : names) {
      vars.put(n, variablesOf(n));
    }
    String template =
        names.stream()
            .filter(n -> "true".equals(vars.get(n).get("worker.enabled")))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("The running stack has no worker to copy"));
    int http = nextFree(vars.values(), "http.port");
    int https = nextFree(vars.values(), "https.port");
    String base = template.replaceAll("-\\d+$", "");
    int n = 1;
    while (names.contains(base + "-" + n) || Files.exists(serverDir(base + "-" + n))) {
      n++;
    }
    String name = base + "-" + n;
    Map<String, String> v = new LinkedHashMap<>(vars.get(template));
    v.put("http.port", String.valueOf(http));
    v.put("https.port", String.valueOf(https));
    v.put("renqueue.node.id", name);
    Path dir = serverDir(name);
    copyTree(libertyConfig, dir);
    copyTree(serverDir(template).resolve("apps"), dir.resolve("apps"));
    copyTree(serverDir(template).resolve("resources"), dir.resolve("resources"));
    Files.copy(
        serverDir(template).resolve("jvm.options"),
        dir.resolve("jvm.options"),
        StandardCopyOption.REPLACE_EXISTING);
    Path overrides = dir.resolve("configDropins/overrides");
    Files.createDirectories(overrides);
    Files.writeString(overrides.resolve("renqueue-stack.xml"), overridesXml(v));
    names.add(name);
    state.put("liberty.servers", String.join(",", names));
    Topology.Server server =
        new Topology.Server(name, http, https, false, Integer.parseInt(v.get("worker.slots")));
    script("start", name);
    awaitReady(server, timeout);
    return server;
  }

  /** The variables the launcher wrote for a server it created. */
  private Map<String, String> variablesOf(String server) throws IOException {
    Map<String, String> v = new LinkedHashMap<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<variable name=\"([^\"]*)\" value=\"([^\"]*)\"/>")
            .matcher(
                Files.readString(
                    serverDir(server).resolve("configDropins/overrides/renqueue-stack.xml")));
    while (m.find()) {
      v.put(unescape(m.group(1)), unescape(m.group(2)));
    }
    return v;
  }

  private static int nextFree(java.util.Collection<Map<String, String>> servers, String key) {
    int port = servers.stream().mapToInt(v -> Integer.parseInt(v.get(key))).max().orElseThrow() + 1;
    while (Processes.portOpen(port)) {
      port++;
    }
    return port;
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&quot;", "\"").replace("&amp;", "&");
  }

  void stop(StackState state) {
    String names = state.get("liberty.servers");
    if (names == null || names.isBlank()) {
      return;
    }
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (String name : names.split(",")) {
      stopping.add(CompletableFuture.runAsync(() -> stopOne(name)));
    }
    CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
  }

  private void stopOne(String name) {
    long pid = libertyPid(name);
    try {
      script("stop", name);
    } catch (RuntimeException e) {
      Log.warn("server stop " + name + " failed: " + e.getMessage());
    }
    if (pid > 0 && !Processes.awaitExit(pid, Duration.ofSeconds(30))) {
      Processes.stop(pid, Duration.ofSeconds(5));
    }
    Log.info("Liberty server " + name + " stopped");
  }

  private long libertyPid(String name) {
    Path pidFile = wlp.resolve("usr/servers/.pid/" + name + ".pid");
    try {
      return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private void script(String action, String server) {
    Path script = wlp.resolve("bin/server");
    script.toFile().setExecutable(true);
    try {
      int exit =
          Processes.run(
              Processes.detached(List.of(script.toString(), action, server)),
              wlp.toFile(),
              Map.of("JAVA_HOME", System.getProperty("java.home")),
              wlp.resolve("usr/servers/" + server + "-" + action + ".log").toFile());
      // 1 from "stop" means it was not running, which is what we want.
      if (exit != 0 && !(action.equals("stop") && exit == 1)) {
        throw new IllegalStateException("server " + action + " " + server + " exited with " + exit);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Path serverDir(String name) {
    return wlp.resolve("usr/servers").resolve(name);
  }

  private static String overridesXml(Map<String, String> variables) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append(
        "<!-- Written by the Ren-Queue launcher for this server; regenerated on every start. -->\n<server>\n");
    variables.forEach(
        (k, val) ->
            xml.append("  <variable name=\"")
                .append(escape(k))
                .append("\" value=\"")
                .append(escape(val))
                .append("\"/>\n"));
    return xml.append("</server>\n").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("README.md")) {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
