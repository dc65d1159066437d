package io.renqueue.backends;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A circuit breaker for one backend: after {@code minimumCalls} outcomes of which at least {@code
 * failureRatio} failed, the backend is left alone for {@code openFor}; then one trial call decides
 * (success closes the circuit, failure opens it again). Only failures that say something about the
 * backend's health count (5xx, timeouts, refused connections), never a 4xx of the request's own
 * making. Thread-safe; one per backend per server.
 */
public final class BackendCircuit {

  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int window;
  private final int minimumCalls;
  private final double failureRatio;
  private final Duration openFor;
  private final Clock clock;
  private final Deque<Boolean> outcomes = new ArrayDeque<>();
  private State state = State.CLOSED;
  private Instant openedAt;
  private boolean trialInFlight;

  public BackendCircuit(
      int window, int minimumCalls, double failureRatio, Duration openFor, Clock clock) {
    if (minimumCalls < 1 || minimumCalls > window) {
      throw new IllegalArgumentException("minimumCalls must be between 1 and the window");
    }
    this.window = window;
    this.minimumCalls = minimumCalls;
    this.failureRatio = failureRatio;
    this.openFor = openFor;
    this.clock = clock;
  }

  public static BackendCircuit defaults(Clock clock) {
    return new BackendCircuit(10, 5, 0.5, Duration.ofSeconds(10), clock);
  }

  /** May a call go to the backend now? In half-open state only one trial call may. */
  public synchronized boolean tryAcquire() {
    State s = state();
    if (s == State.CLOSED) {
      return true;
    }
    if (s == State.HALF_OPEN && !trialInFlight) {
      trialInFlight = true;
      return true;
    }
    return false;
  }

  public synchronized void success() {
    if (state() == State.HALF_OPEN) {
      close();
      return;
    }
    record(true);
  }

  public synchronized void failure() {
    if (state() == State.HALF_OPEN) {
      open();
      return;
    }
    record(false);
    long failures = outcomes.stream().filter(ok -> !ok).count();
    if (outcomes.size() >= minimumCalls && failures >= failureRatio * outcomes.size()) {
      open();
    }
  }

  /** The call neither succeeded nor failed (it was preempted or rejected by our own limits). */
  public synchronized void abandoned() {
    trialInFlight = false;
  }

  public synchronized State state() {
    if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(openFor))) {
      state = State.HALF_OPEN;
      trialInFlight = false;
    }
    return state;
  }

  /** When an open circuit lets a trial call through, or null when it is not open. */
  public synchronized Instant openUntil() {
    return state() == State.OPEN ? openedAt.plus(openFor) : null;
  }

  private void record(boolean ok) {
    outcomes.addLast(ok);
    while (outcomes.size() > window) {
      outcomes.removeFirst();
    }
  }

  private void open() {
    state = State.OPEN;
    openedAt = clock.instant();
    trialInFlight = false;
  }

  private void close() {
    state = State.CLOSED;
    outcomes.clear();
    trialInFlight = false;
  }
}
