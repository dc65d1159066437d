package io.renqueue.tasks;

/**
 * What a listing asks for. {@code state} and {@code priority} may be null (any); the cursor is the
 * opaque value of a previous page's {@code nextCursor}, or null for the first page.
 */
public record TaskFilter(
    String tenant, TaskState state, Priority priority, int limit, ListCursor cursor) {}
