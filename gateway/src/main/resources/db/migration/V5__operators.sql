-- Operator accounts: a password under Argon2id (PHC string), a role, and the part of the territory the
-- account may see and act on: every region (region_code null), one district, one township, one village.
create table operator_account (
  username        text primary key check (username ~ '^[a-z0-9][a-z0-9._-]{2,39}$'),
  display_name    text not null,
  password_hash   text not null,
  role            text not null check (role in ('ADMIN', 'FINANCE', 'TOWNSHIP', 'VILLAGE')),
  region_code     text references region (code),
  township        text,
  village         text,
  failed_logins   int not null default 0,
  locked_until    timestamptz,
  disabled_at     timestamptz,
  created_at      timestamptz not null default now(),
  created_by      text not null,
  check (role <> 'TOWNSHIP' or (region_code is not null and township is not null and village is null)),
  check (role <> 'VILLAGE' or (region_code is not null and township is not null and village is not null)),
  check (role not in ('ADMIN', 'FINANCE') or (township is null and village is null))
);

-- A login's bearer token, kept only as its SHA-256.
create table operator_session (
  token_hash  bytea primary key,
  username    text not null references operator_account (username),
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  ended_at    timestamptz
);
create index operator_session_user on operator_session (username);

-- The audit log (V1) records every operator request too: who (with role and scope), which request,
-- its outcome; changes keep writing their before/after in the same transaction as the change.
alter table audit_log
  add column role       text,
  add column scope      text,
  add column method     text,
  add column path       text,
  add column status     int,
  add column request_id text,
  add column address    text;
create index audit_log_at on audit_log (at);
create index audit_log_actor on audit_log (actor, at);
