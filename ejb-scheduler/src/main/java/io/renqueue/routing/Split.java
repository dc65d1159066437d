package io.renqueue.routing;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * An A/B or canary split for one model alias: each backend's share (weight) of the new tasks it
 * gets to try first. {@code sticky} keeps a tenant (or an idempotency key) on one variant. A weight
 * of 0 sends a variant no new tasks: the rollback.
 */
public record Split(String alias, Map<String, Integer> weights, Sticky sticky) {

  public enum Sticky {
    NONE,
    TENANT,
    KEY;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Sticky fromWire(String s) {
      for (Sticky v : values()) {
        if (v.wireName().equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("sticky must be none, tenant or key, not '" + s + "'");
    }
  }

  public Split {
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    if (weights.values().stream().anyMatch(w -> w == null || w < 0)) {
      throw new IllegalArgumentException("weights must be 0 or more");
    }
  }

  /**
   * The variant a task goes to first, or null when every weight is 0.
   *
   * @param stickyKey the tenant or idempotency key when the split is sticky (null: not sticky for
   *     this task)
   * @param random a uniform value in [0, 1), used when the task is not sticky
   */
  public String choose(String stickyKey, DoubleSupplier random) {
    int total = weights.values().stream().mapToInt(Integer::intValue).sum();
    if (total == 0) {
      return null;
    }
    double point =
        sticky != Sticky.NONE && stickyKey != null ? unit(stickyKey) : random.getAsDouble();
    double target = point * total;
    int cumulative = 0;
    String last = null;
    for (Map.Entry<String, Integer> e : weights.entrySet()) {
      if (e.getValue() == 0) {
        continue;
      }
      cumulative += e.getValue();
      last = e.getKey();
      if (target < cumulative) {
        return e.getKey();
      }
    }
    return last;
  }

  /** A stable value in [0, 1) for a key (FNV-1a, then mixed), the same on every server. */
  static double unit(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    // FNV's high bits barely change between similar keys; MurmurHash3's finaliser spreads them.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (h >>> 11) / (double) (1L << 53);
  }
}
