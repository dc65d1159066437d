package io.renqueue.simulator;

/**
 * A fixed one-minute window of requests, the way many providers count requests per minute, so the
 * simulator can answer 429 with honest {@code x-ratelimit-*} headers.
 */
final class RequestWindow {

  record Decision(boolean allowed, int limit, int remaining, long resetMillis) {}

  private long windowStart;
  private int used;

  synchronized void reset() {
    windowStart = 0;
    used = 0;
  }

  synchronized Decision tryAcquire(int limit, long nowMillis) {
    if (nowMillis - windowStart >= 60_000) {
      windowStart = nowMillis;
      used = 0;
    }
    long reset = windowStart + 60_000 - nowMillis;
    if (limit <= 0) {
      return new Decision(true, 0, 0, 0);
    }
    if (used >= limit) {
      return new Decision(false, limit, 0, reset);
    }
    used++;
    return new Decision(true, limit, limit - used, reset);
  }
}
