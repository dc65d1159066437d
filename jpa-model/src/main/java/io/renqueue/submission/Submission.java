package io.renqueue.submission;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskType;

/**
 * A validated request to run a task, whichever way it arrived (REST or JMS).
 *
 * @param requestJson the OpenAI-format body to send to a backend, without Ren-Queue's own fields
 */
public record Submission(
    TaskType type, String model, Priority priority, String idempotencyKey, String requestJson) {}
