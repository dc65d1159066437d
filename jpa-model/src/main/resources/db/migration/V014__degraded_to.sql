-- The smaller model that answered a task because every backend of the requested model failed
-- (renqueue.routing.degraded-models).
ALTER TABLE task ADD COLUMN degraded_to text;
