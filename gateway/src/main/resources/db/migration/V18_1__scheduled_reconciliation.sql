-- The day a channel books a payment or refund on (its bill's day, Beijing time): from the channel's own
-- time where it says one (success_time, gmt_payment, settleDate), else set by the first bill that lists
-- it. A payment at 23:59:59 whose notification arrives after midnight belongs to the day it was paid.
alter table payment add column channel_day date;
alter table refund add column channel_day date;
create index payment_received on payment (received_at);
create index refund_created on refund (created_at);

-- One row per channel, merchant and Beijing day: the instance whose conditional insert (or update of a
-- failed or abandoned run) succeeds runs the day's reconciliation; the others leave it. Operators read
-- the result here and may run it again.
create table channel_reconciliation (
  channel         text not null,
  merchant        text not null,
  day             date not null,
  state           text not null check (state in ('RUNNING', 'DONE', 'FAILED')),
  attempts        int not null default 1,
  run_by          text not null,                -- 'schedule' or the operator who asked
  claimed_at      timestamptz not null,
  finished_at     timestamptz,
  next_attempt_at timestamptz,                  -- FAILED: when the schedule tries again
  bill_lines      int,
  matched         int,
  repaired        int,
  differences     jsonb,
  deferred        jsonb,                        -- ours near midnight, looked for in the next day's bill
  last_error      text,
  primary key (channel, merchant, day)
);
