package io.renqueue.tasks;

import java.util.List;

/** One page of a task listing; {@code nextCursor} is null on the last page. */
public record TaskPage(List<Task> tasks, String nextCursor) {}
