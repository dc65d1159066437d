-- Backends added, changed or removed through the admin API (/api/v1/backends). Configured
-- backends are the defaults; a row here wins over the configuration of the same name, and a row
-- without a definition removes that backend. Every server re-reads the table each second.
CREATE TABLE backend_override (
  name       text PRIMARY KEY,
  definition text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
