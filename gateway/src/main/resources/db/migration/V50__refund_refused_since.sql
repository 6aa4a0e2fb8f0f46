-- Since when the channel has refused a refund outright on every try (not for a passing reason: its network, its load,
-- an answer that would not verify): given up as FAILED, for finance to pay back another way, once that has lasted.
-- A nullable column, added without rewriting the table; a lock it cannot take within 3 s (a payment's long
-- transaction) fails the migration, to be run again, rather than queue every payment behind it.
set local lock_timeout = '3s';
alter table refund add column refused_since timestamptz;
