-- A household number (户号) is given by a county's household register: two counties of one province can
-- both have household 0001. It is unique per region, not per deployment.
alter table household add column region_code text references region (code);
update household h set region_code = v.region_code from village v where v.id = h.village_id;
alter table household alter column region_code set not null;
alter table household drop constraint household_roster_ref_key;
alter table household add constraint household_region_roster_ref_key unique (region_code, roster_ref);

-- What the ID-number keys of this database are, as a check value that reveals neither key: every
-- instance of a deployment must read and write with the same keys, and one whose keys differ refuses to start.
create table id_key_check (
  only_row    boolean primary key default true check (only_row),
  index_check bytea not null,   -- the blind index of a fixed text under the index key
  enc_check   bytea not null,   -- a fixed text encrypted under the SM4 key (decrypts only with that key)
  created_at  timestamptz not null default now()
);

-- Token buckets that hold for the whole deployment, whichever instance a request reaches: per kiosk (an
-- authenticated client id). Unlogged: no WAL for a counter that protects the service, and one lost in a
-- crash or a failover only starts full again.
create unlogged table rate_bucket (
  key     text primary key,
  tokens  double precision not null,
  at      timestamptz not null,
  granted boolean not null
);
