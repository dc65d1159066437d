-- The node registry: every server reports here on a schedule (heartbeat, on the database clock);
-- the scheduler sweep judges each node UP, SUSPECT or DEAD from missed heartbeats and its own
-- probe of the node's health endpoint. A draining node takes no new work.
CREATE TABLE node (
  id             text PRIMARY KEY,
  roles          text        NOT NULL,
  state          text        NOT NULL DEFAULT 'UP',
  state_reason   text,
  state_since    timestamptz NOT NULL DEFAULT now(),
  draining       boolean     NOT NULL DEFAULT false,
  started_at     timestamptz NOT NULL,
  last_heartbeat timestamptz NOT NULL,
  heartbeats     bigint      NOT NULL DEFAULT 0,
  health_url     text,
  probe_ok       boolean,
  probed_at      timestamptz,
  version        text,
  slots          integer     NOT NULL DEFAULT 0,
  busy_slots     integer     NOT NULL DEFAULT 0,
  queue_depth    integer     NOT NULL DEFAULT 0,
  models         text,
  gpu            text
);
