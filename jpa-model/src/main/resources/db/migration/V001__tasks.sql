-- Tenants exist from day one so that authentication can attach to them later;
-- until then every task belongs to the built-in 'default' tenant.
CREATE TABLE tenant (
  id         varchar(64) PRIMARY KEY,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tenant (id, name) VALUES ('default', 'Default tenant');

CREATE TABLE task (
  id                uuid         PRIMARY KEY,
  tenant_id         varchar(64)  NOT NULL REFERENCES tenant (id),
  type              varchar(16)  NOT NULL,
  model             varchar(200) NOT NULL,
  priority          varchar(16)  NOT NULL,
  state             varchar(16)  NOT NULL,
  request_json      text         NOT NULL,
  idempotency_key   varchar(200),
  reply_to          varchar(400),
  correlation_id    varchar(400),
  created_at        timestamptz  NOT NULL,
  started_at        timestamptz,
  finished_at       timestamptz,
  lease_expires_at  timestamptz,
  attempts          integer      NOT NULL DEFAULT 0,
  node_id           varchar(200),
  backend           varchar(200),
  result_text       text,
  finish_reason     varchar(64),
  error_code        varchar(64),
  error_message     text,
  prompt_tokens     integer,
  completion_tokens integer,
  latency_ms        bigint,
  CONSTRAINT task_state_known CHECK (state IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED','EXPIRED')),
  CONSTRAINT task_idempotency UNIQUE (tenant_id, idempotency_key)
);

-- Listing pages newest first per tenant; the cursor is (created_at, id).
CREATE INDEX task_tenant_created ON task (tenant_id, created_at DESC, id DESC);
-- Queue depth by priority and the lease sweep only look at live tasks.
CREATE INDEX task_live ON task (state, priority) WHERE state IN ('QUEUED', 'RUNNING');
CREATE INDEX task_running_lease ON task (lease_expires_at) WHERE state = 'RUNNING';
