package io.renqueue.backends;

/**
 * One task's trip through the fault-tolerance chain: the request, the primary backend, the optional
 * fallback, the log both write to, and whether the slot has been taken back.
 */
public record BackendCall(
    String requestJson,
    BackendConfig primary,
    BackendConfig fallback,
    AttemptLog log,
    Preemption preemption) {

  public BackendCall(
      String requestJson, BackendConfig primary, BackendConfig fallback, AttemptLog log) {
    this(requestJson, primary, fallback, log, Preemption.NEVER);
  }
}
