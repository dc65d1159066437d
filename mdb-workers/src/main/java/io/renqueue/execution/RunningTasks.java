package io.renqueue.execution;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this worker runs right now, and the threads running them, so a preemption command can
 * reach the right backend call.
 */
@ApplicationScoped
public class RunningTasks {

  private final Map<UUID, Slot> slots = new ConcurrentHashMap<>();

  /**
   * One running attempt; {@link #preempted()} turns true when the scheduler takes the slot back.
   */
  public static final class Slot implements io.renqueue.backends.Preemption {
    private final int fence;
    private final Thread thread;
    private volatile boolean preempted;
    private volatile Stop stop = Stop.NONE;
    private boolean closed;

    Slot(int fence, Thread thread) {
      this.fence = fence;
      this.thread = thread;
    }

    @Override
    public boolean preempted() {
      return preempted;
    }

    /** Why the call was taken back, when it was not a preemption. */
    public Stop stop() {
      return stop;
    }
  }

  /** Why a running attempt was stopped from outside, other than by preemption. */
  public enum Stop {
    NONE,
    /** Its lease was not renewed in time and the task moved on: write nothing. */
    LEASE_LOST,
    /** This worker is shutting down: hand the task back to the queue. */
    HANDED_BACK
  }

  /** Attempts running now: task → fence. */
  public Map<UUID, Integer> fences() {
    Map<UUID, Integer> fences = new java.util.HashMap<>();
    slots.forEach((task, slot) -> fences.put(task, slot.fence));
    return fences;
  }

  public int busy() {
    return slots.size();
  }

  /** Stops the attempt's backend call for {@code why}; false when it already ended. */
  public boolean stop(UUID task, int fence, Stop why) {
    Slot slot = slots.get(task);
    if (slot == null || slot.fence != fence) {
      return false;
    }
    synchronized (slot) {
      if (slot.closed) {
        return false;
      }
      slot.stop = why;
      // The backend call treats it like a preemption: abort, no failure recorded.
      slot.preempted = true;
      slot.thread.interrupt();
    }
    return true;
  }

  /** Registers the calling thread as running this attempt. */
  public Slot enter(UUID task, int fence) {
    Slot slot = new Slot(fence, Thread.currentThread());
    slots.put(task, slot);
    return slot;
  }

  /**
   * The attempt is over; a preemption arriving from now on must not interrupt the thread, which may
   * already run the next task.
   */
  public void leave(UUID task) {
    Slot slot = slots.remove(task);
    if (slot != null) {
      synchronized (slot) {
        slot.closed = true;
      }
    }
  }

  /**
   * Marks the attempt preempted and interrupts its backend call. False when this worker does not
   * run that attempt (another worker does, or it already finished).
   */
  public boolean preempt(UUID task, int fence) {
    return stop(task, fence, Stop.NONE);
  }
}
