package io.renqueue.cluster;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The node registry in PostgreSQL: heartbeats in, states and drain flags out. */
@Stateless
public class NodeRegistry {

  /** The columns of a row of {@link #all()}, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "id",
          "roles",
          "state",
          "state_reason",
          "state_since",
          "draining",
          "started_at",
          "last_heartbeat",
          "heartbeats",
          "health_url",
          "probe_ok",
          "probed_at",
          "version",
          "slots",
          "busy_slots",
          "queue_depth",
          "models",
          "gpu",
          "ms_since_heartbeat");

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  /**
   * Records a heartbeat on the database clock; a SUSPECT or DEAD node that reports is UP (or
   * DRAINING) again. Returns whether the node is asked to drain.
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public boolean heartbeat(NodeReport r, Instant startedAt) {
    Object draining =
        em.createNativeQuery(
                "INSERT INTO node (id, roles, started_at, last_heartbeat, heartbeats, health_url,"
                    + " version, slots, busy_slots, queue_depth, models, gpu, state, state_reason)"
                    + " VALUES (?1, ?2, ?3, now(), 1, ?4, ?5, ?6, ?7,"
                    + " (SELECT count(*) FROM (SELECT 1 FROM task WHERE state = 'QUEUED' LIMIT 10000) q), ?8, ?9, 'UP', 'joined')"
                    + " ON CONFLICT (id) DO UPDATE SET roles = EXCLUDED.roles,"
                    + " started_at = EXCLUDED.started_at, last_heartbeat = now(),"
                    + " heartbeats = node.heartbeats + 1, health_url = EXCLUDED.health_url,"
                    + " version = EXCLUDED.version, slots = EXCLUDED.slots,"
                    + " busy_slots = EXCLUDED.busy_slots, queue_depth = EXCLUDED.queue_depth,"
                    + " models = EXCLUDED.models, gpu = EXCLUDED.gpu,"
                    + " state = CASE WHEN node.state IN ('SUSPECT', 'DEAD')"
                    + "   THEN CASE WHEN node.draining THEN 'DRAINING' ELSE 'UP' END"
                    + "   ELSE node.state END,"
                    + " state_reason = CASE WHEN node.state IN ('SUSPECT', 'DEAD')"
                    + "   THEN 'reported again' ELSE node.state_reason END,"
                    + " state_since = CASE WHEN node.state IN ('SUSPECT', 'DEAD')"
                    + "   THEN now() ELSE node.state_since END"
                    + " RETURNING draining")
            .setParameter(1, r.id())
            .setParameter(2, String.join(",", r.roles()))
            .setParameter(3, Timestamp.from(startedAt))
            .setParameter(4, r.healthUrl())
            .setParameter(5, r.version())
            .setParameter(6, r.slots())
            .setParameter(7, r.busySlots())
            .setParameter(8, String.join(",", r.models()))
            .setParameter(9, r.gpu().toJson())
            .getSingleResult();
    return Boolean.TRUE.equals(draining);
  }

  @SuppressWarnings("unchecked")
  public List<Object[]> all() {
    return em.createNativeQuery(
            "SELECT "
                + String.join(", ", COLUMNS.subList(0, COLUMNS.size() - 1))
                + ", (extract(epoch FROM now() - last_heartbeat) * 1000)::bigint"
                + " FROM node ORDER BY id")
        .getResultList();
  }

  /**
   * The other workers that are UP with a free slot, as of their last heartbeat (no older than
   * {@code maxAgeSeconds}): their models and free GPU memory, for {@link Placement}.
   */
  @SuppressWarnings("unchecked")
  public List<Placement.Worker> freeWorkersElsewhere(String self, long maxAgeSeconds) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT coalesce(models, ''), gpu FROM node WHERE id <> ?1 AND state = 'UP'"
                    + " AND position('worker' in roles) > 0 AND busy_slots < slots"
                    + " AND last_heartbeat > now() - make_interval(secs => ?2)")
            .setParameter(1, self)
            .setParameter(2, (double) maxAgeSeconds)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new Placement.Worker(
                    java.util.Arrays.stream(((String) r[0]).split(","))
                        .map(String::trim)
                        .filter(m -> !m.isEmpty())
                        .collect(java.util.stream.Collectors.toSet()),
                    GpuStatus.fromJson((String) r[1]).largestFreeMib()))
        .toList();
  }

  /**
   * Free task slots on UP workers that reported within {@code maxAgeSeconds}, as of their last
   * heartbeat.
   */
  public int idleWorkerSlots(long maxAgeSeconds) {
    return ((Number)
            em.createNativeQuery(
                    "SELECT coalesce(sum(greatest(slots - busy_slots, 0)), 0) FROM node"
                        + " WHERE state = 'UP' AND position('worker' in roles) > 0"
                        + " AND last_heartbeat > now() - make_interval(secs => ?1)")
                .setParameter(1, (double) maxAgeSeconds)
                .getSingleResult())
        .intValue();
  }

  /** Asks a node to drain (or to take work again). False when there is no such node. */
  public boolean setDraining(String id, boolean draining) {
    return em.createNativeQuery(
                "UPDATE node SET draining = ?2,"
                    + " state = CASE WHEN state IN ('UP', 'DRAINING')"
                    + "   THEN CASE WHEN ?2 THEN 'DRAINING' ELSE 'UP' END ELSE state END,"
                    + " state_reason = CASE WHEN ?2 THEN 'drain requested' ELSE 'drain ended' END,"
                    + " state_since = now() WHERE id = ?1")
            .setParameter(1, id)
            .setParameter(2, draining)
            .executeUpdate()
        == 1;
  }

  /** Stores the sweep's judgement and the probe it was based on. */
  public void judged(String id, NodeState state, String reason, Boolean probeOk) {
    em.createNativeQuery(
            "UPDATE node SET probe_ok = ?2, probed_at = now(),"
                + " state_reason = CASE WHEN state <> ?3 THEN ?4 ELSE state_reason END,"
                + " state_since = CASE WHEN state <> ?3 THEN now() ELSE state_since END,"
                + " state = ?3 WHERE id = ?1")
        .setParameter(1, id)
        .setParameter(2, probeOk)
        .setParameter(3, state.name())
        .setParameter(4, reason)
        .executeUpdate();
  }

  /** A node that stopped cleanly: DEAD at once, so nobody waits for its heartbeats to run out. */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public void left(String id) {
    em.createNativeQuery(
            "UPDATE node SET state = 'DEAD', state_reason = 'stopped', state_since = now(),"
                + " busy_slots = 0, draining = false WHERE id = ?1")
        .setParameter(1, id)
        .executeUpdate();
  }

  /** Forgets nodes dead for a day: a node that comes back registers again. */
  public int forgetLongDead() {
    return em.createNativeQuery(
            "DELETE FROM node WHERE state = 'DEAD' AND last_heartbeat < now() - interval '1 day'")
        .executeUpdate();
  }
}
