package io.renqueue.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a Liberty server's process has used, from {@code /proc/PID/stat} (user + system, all
 * threads): read before and after a measured phase, divided by the tasks it ran, it gives CPU per
 * task independently of how busy the rest of the machine was.
 */
final class LibertyCpu {

  /** USER_HZ: the unit of utime and stime; 100 on every Linux this runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long pid;

  private LibertyCpu(long pid) {
    this.pid = pid;
  }

  /** The server's process, from the pid file Liberty writes under {@code usr/servers/.pid}. */
  static LibertyCpu of(String server) throws IOException {
    Path wlp = Path.of(System.getProperty("renqueue.stack.wlp"));
    return new LibertyCpu(
        Long.parseLong(
            Files.readString(wlp.resolve("usr/servers/.pid/" + server + ".pid")).trim()));
  }

  long pid() {
    return pid;
  }

  /** CPU milliseconds used so far. */
  double millis() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis don't.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    return (utime + stime) * 1000.0 / TICKS_PER_SECOND;
  }
}
