-- A task not started by expires_at ends EXPIRED (deadline, TTL or the level's default TTL).
ALTER TABLE task ADD COLUMN expires_at timestamptz;
CREATE INDEX task_queued_expiry ON task (expires_at) WHERE state = 'QUEUED' AND expires_at IS NOT NULL;
