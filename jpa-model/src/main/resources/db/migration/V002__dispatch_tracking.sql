-- When the task's latest dispatch token was sent. The recovery sweep sends a new token for a task
-- that has been QUEUED without a claim for too long (its token was dead-lettered or purged);
-- duplicate tokens are harmless because claims are guarded.
ALTER TABLE task ADD COLUMN dispatched_at timestamptz;
UPDATE task SET dispatched_at = created_at WHERE state = 'QUEUED';
CREATE INDEX task_queued_dispatch ON task (dispatched_at) WHERE state = 'QUEUED';
