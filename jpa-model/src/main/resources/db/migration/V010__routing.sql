-- Backends' shared budgets: one row per backend, locked while a server admits a request to it, so
-- every server of the cluster counts against the same limits and honours the same cooldown.
CREATE TABLE backend_budget (
  backend         varchar(200) PRIMARY KEY,
  cooldown_until  timestamptz,
  cooldown_reason text,
  day             date,
  day_requests    integer NOT NULL DEFAULT 0
);

-- Every request sent to a backend: a sliding window for requests and tokens per minute, and the
-- requests still in flight (released_at NULL, not past expires_at) for max-concurrency.
CREATE TABLE backend_call (
  id          bigserial    PRIMARY KEY,
  backend     varchar(200) NOT NULL,
  at          timestamptz  NOT NULL,
  tokens      integer      NOT NULL,
  expires_at  timestamptz  NOT NULL,
  released_at timestamptz
);
CREATE INDEX backend_call_window ON backend_call (backend, at);
CREATE INDEX backend_call_in_flight ON backend_call (backend) WHERE released_at IS NULL;

-- The router's choice for a task (candidates, scores, reasons) and what the task cost.
ALTER TABLE task ADD COLUMN routing_trace text;
ALTER TABLE task ADD COLUMN cost_usd double precision;
-- A task whose every candidate backend is cooling down waits until then (not an attempt).
ALTER TABLE task ADD COLUMN not_before timestamptz;
ALTER TABLE task ADD COLUMN waiting_reason text;
ALTER TABLE task ADD COLUMN deferrals integer NOT NULL DEFAULT 0;
-- The routing constraints the task was submitted with.
ALTER TABLE task ADD COLUMN routing_json text;
