package io.renqueue.tasks;

/**
 * A task a worker now owns. {@code fence} is the attempt number it claimed; a result is only stored
 * while the task is still RUNNING under that same attempt, so a worker that lost its lease cannot
 * overwrite the next owner.
 */
public record ClaimedTask(Task task, int fence) {}
