-- The store of record. Money is bigint fen. ID numbers are stored encrypted (SM4-GCM) with a keyed
-- blind index (HMAC-SM3) for lookup; only a masked form is kept in clear.

create table region (
  code        text primary key,
  name        text not null,
  book        text not null
);

create table village (
  id          bigserial primary key,
  region_code text not null references region (code),
  township    text not null,
  name        text not null,
  unique (region_code, township, name)
);

create table household (
  id          bigserial primary key,
  ref         uuid not null unique default gen_random_uuid(),
  village_id  bigint not null references village (id),
  roster_ref  text not null unique,            -- the household number of the roster (户号)
  created_at  timestamptz not null default now()
);

create table person (
  id                 bigserial primary key,
  ref                uuid not null unique default gen_random_uuid(),
  household_id       bigint not null references household (id),
  id_index           bytea not null unique,    -- HMAC-SM3 of the 18-digit number: one person, one household
  id_enc             bytea not null,           -- SM4-GCM: nonce || ciphertext || tag
  id_masked          text not null,
  name               text not null,
  birth_date         date not null,
  sex                char(1) not null check (sex in ('M', 'F')),
  local              boolean not null default true,
  enrolled_elsewhere boolean not null default false,
  guardian_index     bytea,                    -- blind index of the guardian's ID number (under 16)
  guardian_name      text,
  guardian_phone_enc bytea,
  created_at         timestamptz not null default now()
);
create index person_household on person (household_id);

-- A special-group flag as a department supplied it. The same person on two departments' lists keeps
-- both rows and is flagged for cross-check (000 三(一)2(4)); the engine still grants one treatment.
create table person_category (
  person_id   bigint not null references person (id),
  category    text not null,
  department  text not null,
  valid_from  date,
  valid_to    date,
  source      text not null,
  primary key (person_id, category, department)
);

create table cross_check (
  person_id   bigint primary key references person (id),
  categories  text[] not null,
  departments text[] not null,
  flagged_at  timestamptz not null default now(),
  resolved_at timestamptz
);

create table orders (
  id             uuid primary key,
  household_id   bigint not null references household (id),
  region_code    text not null references region (code),
  channel        text not null,
  mode           text not null check (mode in ('qr', 'mini')),
  state          text not null check (state in ('PAYING', 'PAID', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED')),
  total_fen      bigint not null check (total_fen >= 0),
  client_id      text not null,
  created_at     timestamptz not null,
  expires_at     timestamptz not null,
  paid_at        timestamptz,
  channel_txn_id text,
  payment        jsonb,                        -- what the payer needs: code_url or mini-program parameters
  state_reason   text
);
create index orders_paying on orders (expires_at) where state = 'PAYING';

create table order_item (
  order_id        uuid not null references orders (id),
  person_id       bigint not null references person (id),
  insurance       text not null check (insurance in ('medical', 'pension')),
  year            int not null,
  tier_yuan       int,
  personal_fen    bigint not null check (personal_fen >= 0),
  government_fen  bigint not null check (government_fen >= 0),
  subsidy_fen     bigint not null check (subsidy_fen >= 0),
  later_fen       bigint not null check (later_fen >= 0),
  total_fen       bigint not null check (total_fen = personal_fen + government_fen + subsidy_fen),
  rules           jsonb not null,
  primary key (order_id, person_id, insurance)
);

-- One row per person-insurance-year that an order holds or has paid: no second live order can
-- charge the same item, and a paid item can never be charged again.
create table reservation (
  person_id   bigint not null references person (id),
  insurance   text not null,
  year        int not null,
  order_id    uuid not null references orders (id),
  held_until  timestamptz,                     -- null once paid
  paid        boolean not null default false,
  primary key (person_id, insurance, year)
);
create index reservation_order on reservation (order_id);

create table idempotency_key (
  client_id    text not null,
  key          text not null,
  request_hash bytea not null,
  order_id     uuid not null,
  created_at   timestamptz not null default now(),
  primary key (client_id, key)
);

create table payment (
  id             bigserial primary key,
  order_id       uuid not null references orders (id),
  channel        text not null,
  channel_txn_id text not null,
  amount_fen     bigint not null,
  received_at    timestamptz not null default now(),
  source         text not null,                -- callback, query
  unique (channel, channel_txn_id)
);

create table refund (
  id             bigserial primary key,
  order_id       uuid not null references orders (id),
  out_refund_no  text not null unique,
  amount_fen     bigint not null check (amount_fen > 0),
  reason         text not null,
  state          text not null,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now()
);

-- Every callback as received, verified or not, for audit.
create table callback_log (
  id          bigserial primary key,
  channel     text not null,
  received_at timestamptz not null default now(),
  verified    boolean not null,
  outcome     text not null,
  order_id    uuid,
  headers     jsonb not null,
  body        bytea not null
);

create table audit_log (
  id      bigserial primary key,
  at      timestamptz not null default now(),
  actor   text not null,
  action  text not null,
  subject text,
  before  jsonb,
  after   jsonb
);
