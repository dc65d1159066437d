package io.renqueue.backends;

/**
 * One task's trip through the fault-tolerance chain: the request, the primary backend, the optional
 * fallback, and the log both write to.
 */
public record BackendCall(
    String requestJson, BackendConfig primary, BackendConfig fallback, AttemptLog log) {}
