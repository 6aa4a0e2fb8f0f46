-- A mini-program resident's login: the token is given to the phone once and kept here only as its
-- SHA-256, so a copy of the table logs no one in. Any instance resolves it; expired rows are pruned.
create table resident_session (
  token_hash  bytea primary key,
  channel     text not null check (channel in ('wechat', 'alipay')),
  subject     text not null,
  created_at  timestamptz not null,
  expires_at  timestamptz not null
);
create index resident_session_expiry on resident_session (expires_at);
