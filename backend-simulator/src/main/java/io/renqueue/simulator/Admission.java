package io.renqueue.simulator;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who the simulator answers, and when, like a real provider or GPU server would: a fixed number of
 * GPU slots (the rest wait in arrival order), a per-minute request window, and a 429 with
 * Retry-After armed through the control API. Plain Java; the HTTP side writes what it decides.
 */
final class Admission {

  /** A 429: the counter it adds to, the Retry-After it carries (seconds). */
  record Refusal(String counter, long retryAfterSeconds) {}

  /** Runs while holding a GPU slot. */
  interface SlotWork<E extends Exception> {
    void run() throws E;
  }

  private final RequestWindow window = new RequestWindow();
  private final AtomicLong throttleNext = new AtomicLong();
  private volatile long throttledUntil;
  private volatile Semaphore slots;

  /**
   * At most {@code n} requests in {@link #inSlot} at once, first come first served; 0: no limit.
   */
  void limitSlots(int n) {
    slots = n == 0 ? null : new Semaphore(n, true);
  }

  /** Like vLLM with every sequence slot busy: the work waits its turn. */
  <E extends Exception> void inSlot(SlotWork<E> work) throws E {
    Semaphore gpu = slots;
    if (gpu != null) {
      gpu.acquireUninterruptibly();
    }
    try {
      work.run();
    } finally {
      if (gpu != null) {
        gpu.release();
      }
    }
  }

  /** The next request checked by {@link #retryAfter} is refused for {@code seconds}. */
  void throttleNext(long seconds) {
    throttleNext.set(seconds);
  }

  /**
   * Null when no Retry-After is in force at {@code now}; otherwise the 429 to answer: {@code
   * throttled} for the request that arms it, {@code requests_before_retry_after} for any request
   * that comes before it has passed (what a client honouring Retry-After never sends).
   */
  Refusal retryAfter(long now) {
    long armed = throttleNext.getAndSet(0);
    String counter;
    if (armed > 0) {
      throttledUntil = now + armed * 1000;
      counter = "throttled";
    } else if (now < throttledUntil) {
      counter = "requests_before_retry_after";
    } else {
      return null;
    }
    return new Refusal(counter, Math.max(1, (throttledUntil - now + 999) / 1000));
  }

  /** Takes a place in this minute's window of {@code perMinute} requests (0: no limit). */
  RequestWindow.Decision window(int perMinute, long now) {
    return window.tryAcquire(perMinute, now);
  }

  /** A new limit starts a new window, as a provider's would for a new key. */
  void newWindow() {
    window.reset();
  }
}
