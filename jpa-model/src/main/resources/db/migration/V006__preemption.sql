-- Preemption: how often a task was taken off its slot for more urgent work (not a failure), and
-- when the scheduler last asked its worker to do so.
ALTER TABLE task ADD COLUMN preemptions integer NOT NULL DEFAULT 0;
ALTER TABLE task ADD COLUMN preempt_requested_at timestamptz;
