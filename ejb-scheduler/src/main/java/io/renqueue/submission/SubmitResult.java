package io.renqueue.submission;

import io.renqueue.tasks.Task;

/** The task a submission maps to, and whether this submission created it. */
public record SubmitResult(Task task, boolean created) {}
