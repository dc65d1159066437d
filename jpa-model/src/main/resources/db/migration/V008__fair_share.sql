-- Tenant fair share within a priority level (virtual token counters, after "Fairness in Serving
-- Large Language Models", Sheng et al., OSDI 2024): each tenant's counter grows by the tokens its
-- tasks use divided by its weight, and among waiting tasks of equal dispatch priority the tenant
-- with the lowest counter goes first.
ALTER TABLE tenant ADD COLUMN weight double precision NOT NULL DEFAULT 1;
ALTER TABLE tenant ADD CONSTRAINT tenant_weight_positive CHECK (weight > 0);
ALTER TABLE tenant ADD COLUMN virtual_tokens double precision NOT NULL DEFAULT 0;

-- What a task is expected to cost before it runs (prompt estimate + max_tokens), charged when it
-- is claimed and corrected by the real usage when it succeeds.
ALTER TABLE task ADD COLUMN estimated_tokens integer NOT NULL DEFAULT 0;
-- Why dispatch_priority differs from the level the task was submitted with (aging, inheritance).
ALTER TABLE task ADD COLUMN priority_reason text;

-- A worker claims the head of each tenant's queue: highest dispatch priority, then oldest.
CREATE INDEX task_dispatch_order ON task (tenant_id, dispatch_priority DESC, created_at)
  WHERE state = 'QUEUED' AND NOT blocked;

-- One server at a time runs the scheduler sweep: whoever holds this lease.
CREATE TABLE sweep_lease (
  name        varchar(64)  PRIMARY KEY,
  holder      varchar(200),
  expires_at  timestamptz,
  last_run_at timestamptz
);
INSERT INTO sweep_lease (name) VALUES ('scheduler');
