-- The JMS priority of a task's latest dispatch token: its level's priority at first, higher once
-- aging has re-dispatched it. The sweep compares it with the aged priority to find promotions.
ALTER TABLE task ADD COLUMN dispatch_priority smallint;
UPDATE task SET dispatch_priority = CASE priority
  WHEN 'CRITICAL' THEN 9 WHEN 'HIGH' THEN 7 WHEN 'NORMAL' THEN 4 WHEN 'LOW' THEN 2 ELSE 0 END;
ALTER TABLE task ALTER COLUMN dispatch_priority SET NOT NULL;
CREATE INDEX task_queued_age ON task (created_at) WHERE state = 'QUEUED';
