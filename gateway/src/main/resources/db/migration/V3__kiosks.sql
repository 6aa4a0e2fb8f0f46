-- Self-service kiosks: each has its own key pair; requests are signed and nonces are never accepted twice.
create table kiosk (
  id               text primary key,
  public_key       text not null,
  region_code      text,
  registered_at    timestamptz not null default now(),
  last_seen_at     timestamptz,
  reader           text,
  printer_state    text,
  paper            text,
  last_transaction timestamptz
);

create table kiosk_nonce (
  kiosk_id text not null,
  nonce    text not null,
  seen_at  timestamptz not null,
  primary key (kiosk_id, nonce)
);
create index kiosk_nonce_seen on kiosk_nonce (seen_at);
