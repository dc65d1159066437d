package io.renqueue.api.openai;

import io.renqueue.dispatch.WaitingCallers;
import io.renqueue.storage.DirectSql;
import io.renqueue.tasks.TaskState;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The streamed completions this server has open. An open stream costs a listener entry and its
 * unsent text, nothing more: its events are written by a small pool of writer threads, and one
 * timer keeps idle streams alive (a comment after a second of silence), ends them at their
 * deadline, and every {@value #CHECK_SECONDS} s reads, in one query for all of them, whether the
 * task of a silent stream ended without its announcement reaching this server.
 */
@ApplicationScoped
public class AnswerStreams {

  private static final Logger LOG = Logger.getLogger(AnswerStreams.class.getName());
  static final int CHECK_SECONDS = 5;
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final String ENDED =
      "SELECT id, state, result_text, finish_reason, prompt_tokens, completion_tokens,"
          + " error_code, error_message, finished_at FROM task WHERE id = ANY(?)"
          + " AND state IN ('SUCCEEDED','FAILED','CANCELLED','EXPIRED')";

  @Inject WaitingCallers callers;
  @Inject DirectSql sql;

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  MetricRegistry registry;

  @Inject
  @ConfigProperty(name = "renqueue.openai.stream-writers", defaultValue = "8")
  int writerThreads;

  private final Set<StreamedAnswer> open = ConcurrentHashMap.newKeySet();
  private ExecutorService writers;
  private ScheduledExecutorService timer;
  private long ticks;

  @PostConstruct
  void start() {
    writers = Executors.newFixedThreadPool(writerThreads, daemons("renqueue-sse-writer"));
    timer = Executors.newSingleThreadScheduledExecutor(daemons("renqueue-sse-timer"));
    timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    registry.gauge("renqueue.openai.streams.open", this, AnswerStreams::count);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
    writers.shutdownNow();
  }

  /** A stream listening for its task's text; {@link #started} once the task is stored. */
  StreamedAnswer open(SseEventSink sink, Sse sse, String tenant, String model, long waitSeconds) {
    StreamedAnswer answer =
        new StreamedAnswer(sink, sse, writers, tenant, model, waitSeconds, this::closed);
    answer.key = callers.register(answer);
    open.add(answer);
    return answer;
  }

  void started(StreamedAnswer answer, UUID task) {
    answer.start(task);
  }

  void abandon(StreamedAnswer answer) {
    answer.abandon();
  }

  /** Streams open on this server now. */
  public int count() {
    return open.size();
  }

  private void closed(StreamedAnswer answer) {
    open.remove(answer);
    callers.leave(answer.key);
  }

  private void tick() {
    try {
      boolean check = ++ticks % CHECK_SECONDS == 0;
      Instant now = Instant.now();
      Map<UUID, StreamedAnswer> silent = new HashMap<>();
      for (StreamedAnswer a : open) {
        if (a.done() || a.task == null) {
          continue;
        }
        if (now.isAfter(a.deadline)) {
          a.timeOut();
        } else if (a.idleNanos() > KEEP_ALIVE_NANOS) {
          a.keepAlive();
          if (check) {
            silent.put(a.task, a);
          }
        }
      }
      if (!silent.isEmpty()) {
        for (AnsweredTask t : ended(new ArrayList<>(silent.keySet()))) {
          StreamedAnswer a = silent.get(UUID.fromString(t.id()));
          callers.endSeen(false);
          a.finish(t);
        }
      }
    } catch (RuntimeException e) {
      // The next tick tries again; a stream still ends at its deadline.
      LOG.warning(() -> "Checking open streams failed: " + e);
    }
  }

  private List<AnsweredTask> ended(List<UUID> ids) {
    return sql.statement(
        u -> {
          PreparedStatement ps = u.prepare(ENDED);
          Array array = u.connection().createArrayOf("uuid", ids.toArray());
          ps.setArray(1, array);
          List<AnsweredTask> ended = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Timestamp finished = rs.getTimestamp(9);
              ended.add(
                  new AnsweredTask(
                      rs.getObject(1).toString(),
                      TaskState.valueOf(rs.getString(2)),
                      rs.getString(3),
                      rs.getString(4),
                      (Integer) rs.getObject(5),
                      (Integer) rs.getObject(6),
                      rs.getString(7),
                      rs.getString(8),
                      finished == null ? null : finished.toInstant()));
            }
          }
          return ended;
        });
  }

  private static ThreadFactory daemons(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
