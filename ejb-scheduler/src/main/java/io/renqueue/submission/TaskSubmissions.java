package io.renqueue.submission;

import io.renqueue.dispatch.TaskDispatcher;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.scheduling.SchedulingSettings;
import io.renqueue.tasks.ReplyAddress;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskStore;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Accepts a validated submission: stores the task and sends its dispatch token in one JTA
 * transaction (PostgreSQL and Artemis both enlisted over XA), so there is never a task without a
 * token or a token without a task.
 */
@Stateless
public class TaskSubmissions {

  private static final Logger LOG = Logger.getLogger(TaskSubmissions.class.getName());

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @EJB private TaskStore store;
  @EJB private TaskDispatcher dispatcher;
  @Inject private TaskMetrics metrics;
  @Inject private SchedulingSettings settings;

  public SubmitResult submit(String tenant, Submission s, ReplyAddress replyTo) {
    if (s.idempotencyKey() != null) {
      // Concurrent submissions with one key queue up here until the first commits; the unique
      // constraint stays as the last line of defence.
      em.createNativeQuery(
              "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))) l")
          .setParameter(1, tenant + '\n' + s.idempotencyKey())
          .getSingleResult();
      Optional<Task> existing = store.findByIdempotencyKey(tenant, s.idempotencyKey());
      if (existing.isPresent()) {
        return new SubmitResult(existing.get(), false);
      }
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Task task =
        Task.accepted(
            UUID.randomUUID(),
            tenant,
            s.type(),
            s.model(),
            s.priority(),
            s.requestJson(),
            s.idempotencyKey(),
            now);
    task.expireAt(settings.expiry().expiresAt(s.priority(), s.deadline(), s.ttl(), now));
    if (replyTo != null) {
      task.replyTo(replyTo.encoded(), replyTo.correlationId());
    }
    em.persist(task);
    em.flush();
    dispatcher.dispatch(task.getId(), task.getPriority());
    metrics.accepted(task.getPriority());
    LOG.fine(
        () ->
            "Accepted task "
                + task.getId()
                + " ("
                + task.getPriority().wireName()
                + ", "
                + task.getModel()
                + ")");
    return new SubmitResult(task, true);
  }
}
