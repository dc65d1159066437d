-- A/B and canary splits: for a model alias, the share of new tasks each backend gets first.
-- Changed through PUT /api/v1/splits/{alias}; every server reads it within a second.
CREATE TABLE route_split (
  alias      varchar(200) NOT NULL,
  backend    varchar(200) NOT NULL,
  weight     integer      NOT NULL CHECK (weight >= 0),
  sticky     varchar(16)  NOT NULL DEFAULT 'none',
  updated_at timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (alias, backend)
);
