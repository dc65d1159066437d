package io.renqueue.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A Java Flight Recorder profile of a Liberty server during one measured phase, when {@code
 * -Dbench.jfr=true}: written to {@code bench/target/<phase>.jfr} for {@code jfr print} or {@code
 * jfr view hot-methods}.
 */
final class Jfr {

  private static final Jfr NONE = new Jfr(-1, null);

  private final long pid;
  private final String name;

  private Jfr(long pid, String name) {
    this.pid = pid;
    this.name = name;
  }

  static Jfr startIfAsked(long pid, String phase) throws Exception {
    if (!Boolean.getBoolean("bench.jfr")) {
      return NONE;
    }
    Path file = Path.of("target", phase + ".jfr").toAbsolutePath();
    jcmd(pid, "JFR.start", "name=" + phase, "settings=profile", "filename=" + file);
    System.out.println("[bench] recording " + file);
    return new Jfr(pid, phase);
  }

  void stop() throws Exception {
    if (name != null) {
      jcmd(pid, "JFR.stop", "name=" + name);
    }
  }

  private static void jcmd(long pid, String... args) throws Exception {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path jcmd = java.resolveSibling("jcmd");
    List<String> command = new java.util.ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed");
    }
  }
}
