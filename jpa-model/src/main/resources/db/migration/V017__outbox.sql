-- The task row is its own outbox (docs/architecture.md). Every write that makes a task claimable
-- leaves dispatched_at NULL; its dispatch token is sent after that write commits and, once the
-- broker has it, dispatched_at records when. The sweep sends the token of any task left without
-- one (a crash between commit and send, a broker outage) using this index.
CREATE INDEX task_undispatched ON task (created_at)
  WHERE state = 'QUEUED' AND dispatched_at IS NULL AND NOT blocked;

-- What has to be said after a task ended, also sent after the commit: the JMS reply its producer
-- asked for, the copy of its token on renqueue.dispatch.dlq. True until the broker has them.
ALTER TABLE task ADD COLUMN notice_pending boolean NOT NULL DEFAULT false;
CREATE INDEX task_notice_pending ON task (finished_at) WHERE notice_pending;

-- A task submitted over JMS records the message it came from: a message redelivered after the
-- task committed (the broker never saw the acknowledgement) finds it instead of creating another.
ALTER TABLE task ADD COLUMN source_message_id text;
CREATE UNIQUE INDEX task_source_message ON task (source_message_id)
  WHERE source_message_id IS NOT NULL;

-- Every foreign key has an index on its referencing side: deleting a task otherwise scans the
-- whole table for children pointing at it (seen: 25 minutes and counting for 1,000,000 tasks).
CREATE INDEX task_parent ON task (parent_id) WHERE parent_id IS NOT NULL;

-- Retention: terminal tasks leave the table when they are old enough; a dependency row goes with
-- its task, a child outlives its parent.
CREATE INDEX task_terminal_finished ON task (finished_at)
  WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED');
ALTER TABLE task DROP CONSTRAINT task_parent_id_fkey,
  ADD CONSTRAINT task_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES task (id) ON DELETE SET NULL;
ALTER TABLE task_dependency DROP CONSTRAINT task_dependency_task_id_fkey,
  ADD CONSTRAINT task_dependency_task_id_fkey FOREIGN KEY (task_id) REFERENCES task (id) ON DELETE CASCADE;
ALTER TABLE task_dependency DROP CONSTRAINT task_dependency_depends_on_fkey,
  ADD CONSTRAINT task_dependency_depends_on_fkey FOREIGN KEY (depends_on) REFERENCES task (id) ON DELETE CASCADE;

-- Whether other tasks depend on this one. A submission with dependencies sets it on them while it
-- locks them; the update that ends a dependency then returns it (the row's own newest version,
-- even when it had to wait for that lock), so a task without dependents pays nothing for them.
ALTER TABLE task ADD COLUMN has_dependents boolean NOT NULL DEFAULT false;
UPDATE task SET has_dependents = true WHERE id IN (SELECT depends_on FROM task_dependency);

-- Tasks waiting for their dependencies: the sweep repairs one whose last dependency ended while
-- its server died before it could release it.
CREATE INDEX task_blocked ON task (created_at) WHERE state = 'QUEUED' AND blocked;
