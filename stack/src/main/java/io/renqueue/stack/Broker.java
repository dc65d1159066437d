package io.renqueue.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Apache ActiveMQ Artemis broker from the distribution Maven unpacked: a fresh instance (no
 * journal left from an earlier run) configured by our broker.xml, run as a child process.
 */
final class Broker {

  private Broker() {}

  static void start(
      Path artemisHome, Path instance, int port, Credentials credentials, StackState state)
      throws IOException, InterruptedException {
    Processes.requireFree("Artemis", port);
    Database.deleteRecursively(instance);
    Files.createDirectories(instance.getParent());
    Path log = instance.resolveSibling("artemis.log");
    Path cli = artemisHome.resolve("bin/artemis");
    cli.toFile().setExecutable(true);
    int created =
        Processes.run(
            List.of(
                cli.toString(),
                "create",
                instance.toString(),
                "--host",
                "127.0.0.1",
                "--default-port",
                String.valueOf(port),
                "--user",
                credentials.brokerUser(),
                "--password",
                credentials.brokerPassword(),
                "--require-login",
                "--silent",
                "--no-web",
                "--no-autotune",
                "--force",
                "--no-amqp-acceptor",
                "--no-mqtt-acceptor",
                "--no-stomp-acceptor",
                "--no-hornetq-acceptor",
                "--java-memory",
                "512M"),
            artemisHome.toFile(),
            Map.of("JAVA_HOME", System.getProperty("java.home")),
            log.toFile());
    if (created != 0) {
      throw new IllegalStateException("artemis create failed; see " + log);
    }
    Files.writeString(instance.resolve("etc/broker.xml"), brokerXml(port), StandardCharsets.UTF_8);

    ProcessBuilder pb =
        new ProcessBuilder(
                Processes.detached(List.of(instance.resolve("bin/artemis").toString(), "run")))
            .directory(instance.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process broker = pb.start();
    state.put("artemis.pid", broker.pid());
    Processes.awaitPort("Artemis", port, Duration.ofSeconds(60), broker.toHandle());
    Log.info("Artemis ready on tcp://127.0.0.1:" + port + " (pid " + broker.pid() + ")");
  }

  static void stop(StackState state) {
    long pid = state.pid("artemis.pid");
    if (pid > 0) {
      Processes.stop(pid, Duration.ofSeconds(20));
      Log.info("Artemis stopped");
    }
  }

  private static String brokerXml(int port) throws IOException {
    try (InputStream in = Broker.class.getResourceAsStream("/broker/broker.xml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("@PORT@", String.valueOf(port));
    }
  }
}
