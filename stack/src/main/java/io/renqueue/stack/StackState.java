package io.renqueue.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a started stack consists of (process ids, directories, server names), written to disk so a
 * later {@code stop} — another JVM — can end exactly what {@code start} began, by PID.
 */
final class StackState {

  private final Path file;
  private final Properties values = new Properties();

  private StackState(Path file) {
    this.file = file;
  }

  static StackState at(Path stackDir) {
    return new StackState(stackDir.resolve("stack.state"));
  }

  boolean exists() {
    return Files.exists(file);
  }

  StackState load() throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      values.load(r);
    }
    return this;
  }

  synchronized void put(String key, Object value) {
    values.setProperty(key, String.valueOf(value));
    try {
      Files.createDirectories(file.getParent());
      try (Writer w = Files.newBufferedWriter(file)) {
        values.store(w, "Ren-Queue local stack: what to stop");
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write " + file, e);
    }
  }

  String get(String key) {
    return values.getProperty(key);
  }

  long pid(String key) {
    String v = values.getProperty(key);
    return v == null ? -1 : Long.parseLong(v);
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }
}
