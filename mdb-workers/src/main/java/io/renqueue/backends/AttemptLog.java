package io.renqueue.backends;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What happened on each backend while running one task, so a failed task can say which backends
 * were tried and why each failed. Thread-safe: a timed-out attempt may still report late.
 */
public final class AttemptLog {

  private final List<String[]> entries = new ArrayList<>();
  private String degradedTo;
  private boolean transientFailure;

  /** Every candidate of the requested model failed; the smaller model's candidates come next. */
  public synchronized void degraded(String model) {
    degradedTo = model;
  }

  /** The smaller model the task moved on to, or null. */
  public synchronized String degradedTo() {
    return degradedTo;
  }

  public synchronized void failed(String backend, String why) {
    entries.add(new String[] {backend, why});
  }

  /**
   * A failure that may pass (5xx, no answer in time), unlike a backend refusing the request: worth
   * another attempt of the task later.
   */
  public synchronized void failedTransiently(String backend, String why) {
    failed(backend, why);
    transientFailure = true;
  }

  /** Whether any failure of this attempt may pass with time. */
  public synchronized boolean anyTransientFailure() {
    return transientFailure;
  }

  public synchronized String lastBackend() {
    return entries.isEmpty() ? null : entries.get(entries.size() - 1)[0];
  }

  public synchronized List<String> backendsTried() {
    return entries.stream().map(e -> e[0]).distinct().toList();
  }

  /** For example {@code sim-a: HTTP 500 ×3; sim-b: timed out, HTTP 503 ×2}. */
  public synchronized String summary() {
    Map<String, Map<String, Integer>> byBackend = new LinkedHashMap<>();
    for (String[] e : entries) {
      byBackend.computeIfAbsent(e[0], k -> new LinkedHashMap<>()).merge(e[1], 1, Integer::sum);
    }
    return byBackend.entrySet().stream()
        .map(
            b ->
                b.getKey()
                    + ": "
                    + b.getValue().entrySet().stream()
                        .map(w -> w.getValue() == 1 ? w.getKey() : w.getKey() + " ×" + w.getValue())
                        .collect(Collectors.joining(", ")))
        .collect(Collectors.joining("; "));
  }
}
