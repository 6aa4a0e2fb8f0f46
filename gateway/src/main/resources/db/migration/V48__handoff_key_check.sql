-- Which hand-off key the deployment signs with and opens agencies' messages with, as the SHA-256 of its public half:
-- the agencies trust one key, and an instance started with another (its own generated one, a folder not copied) would
-- sign what they refuse and fail to open what they send. Such an instance refuses to start.
create table handoff_key_check (
  only_row          boolean primary key default true check (only_row),
  public_key_sha256 text not null,
  recorded_at       timestamptz not null default now()
);
