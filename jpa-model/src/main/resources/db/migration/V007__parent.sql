-- The task that created this one (a child task); children inherit their parent's priority.
ALTER TABLE task ADD COLUMN parent_id uuid REFERENCES task (id);
