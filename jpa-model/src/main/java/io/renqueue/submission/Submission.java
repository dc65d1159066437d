package io.renqueue.submission;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A validated request to run a task, whichever way it arrived (REST or JMS).
 *
 * @param requestJson the OpenAI-format body to send to a backend, without Ren-Queue's own fields
 * @param deadline when the task must have started, or null
 * @param ttl how long after acceptance the task may wait to start, or null
 * @param dependsOn tasks that must SUCCEED before this one may start; empty for none
 * @param parent the task that creates this one, whose priority it inherits; or null
 * @param estimatedTokens prompt estimate plus answer budget, for fair share and routing
 * @param routingJson the task's routing constraints as JSON, or null for the defaults
 */
public record Submission(
    TaskType type,
    String model,
    Priority priority,
    String idempotencyKey,
    String requestJson,
    Instant deadline,
    Duration ttl,
    List<UUID> dependsOn,
    UUID parent,
    int estimatedTokens,
    String routingJson) {}
