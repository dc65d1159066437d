package io.renqueue.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small helpers for starting, watching and stopping OS processes and ports. */
final class Processes {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Processes() {}

  static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void requireFree(String what, int port) {
    if (portOpen(port)) {
      throw new IllegalStateException(
          what
              + " needs port "
              + port
              + " on 127.0.0.1, but something is already listening there."
              + " Stop it (an earlier run?) and try again.");
    }
  }

  static void awaitPort(String what, int port, Duration timeout, ProcessHandle process) {
    Instant deadline = Instant.now().plus(timeout);
    while (!portOpen(port)) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(what + " exited before it opened port " + port);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            what + " did not open port " + port + " within " + timeout.toSeconds() + " s");
      }
      pause(200);
    }
  }

  /** Polls the URL until it answers 200 or the deadline passes; returns whether it did. */
  static boolean await200(String url, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause(500);
    }
    return false;
  }

  /** SIGTERM the process and its descendants, then SIGKILL whatever is left after the grace. */
  static void stop(long pid, Duration grace) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return;
    }
    List<ProcessHandle> tree = new java.util.ArrayList<>(handle.get().descendants().toList());
    tree.add(0, handle.get());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
  }

  static void signal(long pid, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("Could not signal process " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static boolean awaitExit(long pid, Duration timeout) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return true;
    }
    try {
      h.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return !h.get().isAlive();
    }
  }

  /**
   * The command in a session of its own (setsid), so a Ctrl-C in the launcher's terminal reaches
   * only the launcher, which then stops everything in order.
   */
  static List<String> detached(List<String> command) {
    if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/setsid"))) {
      return command;
    }
    List<String> detached = new java.util.ArrayList<>();
    detached.add("/usr/bin/setsid");
    detached.addAll(command);
    return detached;
  }

  static int run(
      List<String> command, java.io.File dir, java.util.Map<String, String> env, java.io.File log)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    return pb.start().waitFor();
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
