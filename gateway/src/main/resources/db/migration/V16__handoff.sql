-- The hand-off of paid contributions to the agencies that turn them into coverage. A record is written
-- in the transaction that marks the item paid (CONTRIBUTION) or refunds it (REVERSAL), so that no paid
-- item can be missing and none can be sent that was not paid. Personal fields are not copied: they are
-- read from person (encrypted) when the record is sent, and sealed for the receiver.
create table handoff_record (
  id               bigserial primary key,
  idempotency_id   uuid not null unique default gen_random_uuid(),
  kind             text not null check (kind in ('CONTRIBUTION', 'REVERSAL')),
  order_id         uuid not null references orders (id),
  person_id        bigint not null references person (id),
  region_code      text not null,
  township         text not null,
  village          text not null,
  insurance        text not null,
  year             int not null,
  tier_yuan        int,
  personal_fen     bigint not null,
  government_fen   bigint not null,
  subsidy_fen      bigint not null,
  later_fen        bigint not null,
  rules            jsonb not null,
  categories       jsonb not null,
  channel          text not null,
  channel_txn_id   text not null,
  paid_at          timestamptz not null,
  reason           text,                              -- a reversal's reason
  refund_no        text,                              -- a reversal's refund
  created_at       timestamptz not null,
  state            text not null default 'PENDING' check (state in ('PENDING', 'ACCEPTED', 'REFUSED', 'FILED')),
  attempts         int not null default 0,
  next_attempt_at  timestamptz not null,
  first_sent_at    timestamptz,
  answered_at      timestamptz,
  answer           text,                              -- accepted, duplicate, refused
  answer_reason    text,
  last_error       text,
  file_name        text,
  resolved_at      timestamptz,                       -- a refused record an operator dealt with
  resolved_by      text,
  resolution       text
);
create unique index handoff_contribution on handoff_record (order_id, person_id, insurance) where kind = 'CONTRIBUTION';
create unique index handoff_reversal on handoff_record (refund_no, person_id, insurance) where kind = 'REVERSAL';
create index handoff_pending on handoff_record (next_attempt_at) where state = 'PENDING';
create index handoff_refused on handoff_record (id) where state = 'REFUSED' and resolved_at is null;
create index handoff_day on handoff_record (region_code, insurance, created_at);

-- One daily file per receiver and day, written by whichever instance claims it first.
create table handoff_file (
  receiver    text not null,
  day         date not null,
  file_name   text not null,
  records     int not null,
  total_fen   bigint not null,
  written_at  timestamptz not null,
  primary key (receiver, day)
);

-- The daily reconciliation per receiver, run once whichever instance claims it.
create table handoff_reconciliation (
  receiver       text not null,
  day            date not null,
  paid_items     int not null,
  paid_fen       bigint not null,
  acknowledged   int not null,
  acknowledged_fen bigint not null,
  resent         int not null,
  differences    jsonb not null,
  run_at         timestamptz not null,
  primary key (receiver, day)
);

-- What an agency told us about a person (employee insurance, insured elsewhere, died, a category that
-- arrived late, paid in another city): one row per change the agency sent (its id makes a resend a no-op).
create table agency_change (
  change_id     text primary key,
  person_id     bigint not null references person (id),
  kind          text not null check (kind in ('EMPLOYEE_INSURANCE', 'INSURED_ELSEWHERE', 'DIED', 'CATEGORY', 'PAID_ELSEWHERE')),
  insurance     text,
  year          int,
  category      text,
  place         text,
  received_at   timestamptz not null,
  source        text not null
);
create index agency_change_person on agency_change (person_id);

-- A refund the agencies' news makes due, carried out after a delay during which operators can stop it.
create table agency_refund (
  id            bigserial primary key,
  change_id     text not null references agency_change (change_id),
  order_id      uuid not null references orders (id),
  person_id     bigint not null references person (id),
  insurance     text not null,
  amount_fen    bigint not null check (amount_fen > 0),
  whole         boolean not null,
  reason        text not null,
  due_at        timestamptz not null,
  state         text not null default 'WAITING' check (state in ('WAITING', 'DONE', 'STOPPED')),
  stopped_by    text,
  stop_reason   text,
  unique (change_id, order_id, insurance)
);
create index agency_refund_due on agency_refund (due_at) where state = 'WAITING';

-- The cross-check worklist: who resolved a person on two departments' lists, to which category, why.
alter table cross_check add column resolved_by text;
alter table cross_check add column resolved_category text;
alter table cross_check add column resolution text;
