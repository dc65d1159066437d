package io.renqueue.stack;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The launcher's progress lines, straight to standard output. Not java.util.logging: its LogManager
 * resets itself in a shutdown hook, which would swallow what the launcher says while it stops
 * everything after Ctrl-C.
 */
final class Log {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Log() {}

  static void info(String message) {
    System.out.println("[renqueue " + LocalTime.now().format(TIME) + "] " + message);
    System.out.flush();
  }

  static void warn(String message) {
    info("WARNING: " + message);
  }
}
