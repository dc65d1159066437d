package io.renqueue.dispatch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** One synchronous caller waiting for its task: woken once per announced end of an attempt. */
public final class WaitingCaller {

  private final String key;
  private final Semaphore announcements = new Semaphore(0);

  WaitingCaller(String key) {
    this.key = key;
  }

  /** What the task carries so that its worker can address the announcement to this caller. */
  public String key() {
    return key;
  }

  void wake() {
    announcements.release();
  }

  /**
   * Waits up to {@code millis} for an announcement.
   *
   * @return whether one came
   */
  public boolean awaitAnnouncement(long millis) throws InterruptedException {
    return announcements.tryAcquire(millis, TimeUnit.MILLISECONDS);
  }
}
