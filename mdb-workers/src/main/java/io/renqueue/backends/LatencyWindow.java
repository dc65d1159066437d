package io.renqueue.backends;

import java.util.Arrays;

/**
 * Recent latency samples of one backend: time to first token and generation speed of its last
 * {@code capacity} successful calls, read as percentiles (a median is not thrown off by one slow
 * call the way an average is, and speed is measured per call, not averaged per token).
 */
public final class LatencyWindow {

  private final double[] ttft;
  private final double[] speed;
  private int next;
  private int size;

  public LatencyWindow(int capacity) {
    ttft = new double[capacity];
    speed = new double[capacity];
  }

  /**
   * @param firstTokenMillis time from sending the request to the first answer byte
   * @param totalMillis time to the whole answer
   * @param completionTokens tokens in the answer
   */
  public synchronized void record(long firstTokenMillis, long totalMillis, int completionTokens) {
    ttft[next] = firstTokenMillis;
    long generating = Math.max(1, totalMillis - firstTokenMillis);
    speed[next] = completionTokens <= 1 ? Double.NaN : completionTokens * 1000.0 / generating;
    next = (next + 1) % ttft.length;
    size = Math.min(size + 1, ttft.length);
  }

  /** The p-th percentile (0–100) of time to first token, or null without samples. */
  public synchronized Double ttftPercentile(double p) {
    return percentile(ttft, p);
  }

  /** The p-th percentile of tokens per second, or null without a sample that measured it. */
  public synchronized Double tokensPerSecondPercentile(double p) {
    return percentile(speed, p);
  }

  private Double percentile(double[] values, double p) {
    double[] sorted =
        Arrays.stream(values, 0, size).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (sorted.length == 0) {
      return null;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
