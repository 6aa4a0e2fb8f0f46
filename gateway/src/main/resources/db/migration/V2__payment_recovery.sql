-- Active queries of orders whose callback has not come: when to ask the channel next, and how often we have.
alter table orders add column query_count int not null default 0;
alter table orders add column next_query_at timestamptz;
create index orders_to_query on orders (next_query_at) where state = 'PAYING';

-- Reconciliation runs: what was compared and what differed, for the operators' record.
create table reconciliation (
  id           bigserial primary key,
  channel      text not null,
  bill_date    date not null,
  ran_at       timestamptz not null default now(),
  differences  jsonb not null
);
