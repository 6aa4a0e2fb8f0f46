-- When a source last tried an account's password: a try is counted before its password is checked, and a count a
-- process never finished (it stopped mid-check, or its write failed) is forgotten once no try has come for a while,
-- rather than held against the source for good.
-- A nullable column, added without rewriting the table; a lock it cannot take within 3 s (a payment's long
-- transaction) fails the migration, to be run again, rather than queue every payment behind it.
set local lock_timeout = '3s';
alter table login_lock add column tried_at timestamptz;
