-- Fair-share charges spread over shard rows: every claim and every success charges its tenant, and
-- with one counter row per tenant all slots serving that tenant queued on its row lock. A
-- tenant's counter is now tenant.virtual_tokens (its base: registration and idle lifts) plus the
-- sum of its shards.
CREATE TABLE tenant_share (
  tenant_id      varchar(64)      NOT NULL REFERENCES tenant (id),
  shard          smallint         NOT NULL,
  virtual_tokens double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, shard)
);
