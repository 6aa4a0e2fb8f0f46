-- An order its channel could not close when it expired is tried again later, longer each time, apart from the
-- queries about a missing payment (next_query_at), which must not hold an expiry back.
alter table orders add column expiry_retry_at timestamptz;
alter table orders add column expiry_attempts int not null default 0;
