-- A task may depend on earlier tasks of its tenant: it is dispatched only once all of them
-- SUCCEEDED (until then it is QUEUED and blocked), and fails when one of them does not.
CREATE TABLE task_dependency (
  task_id    uuid NOT NULL REFERENCES task (id),
  depends_on uuid NOT NULL REFERENCES task (id),
  PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX task_dependency_on ON task_dependency (depends_on);
ALTER TABLE task ADD COLUMN blocked boolean NOT NULL DEFAULT false;
