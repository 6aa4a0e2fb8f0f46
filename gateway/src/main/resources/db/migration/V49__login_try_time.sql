-- When a source last tried an account's password: a try is counted before its password is checked, and a count a
-- process never finished (it stopped mid-check, or its write failed) is forgotten once no try has come for a while,
-- rather than held against the source for good.
alter table login_lock add column tried_at timestamptz;
