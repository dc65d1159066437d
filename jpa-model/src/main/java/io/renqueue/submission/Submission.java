package io.renqueue.submission;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskType;
import java.time.Duration;
import java.time.Instant;

/**
 * A validated request to run a task, whichever way it arrived (REST or JMS).
 *
 * @param requestJson the OpenAI-format body to send to a backend, without Ren-Queue's own fields
 * @param deadline when the task must have started, or null
 * @param ttl how long after acceptance the task may wait to start, or null
 */
public record Submission(
    TaskType type,
    String model,
    Priority priority,
    String idempotencyKey,
    String requestJson,
    Instant deadline,
    Duration ttl) {}
