-- A shared limit as high as a load test's (a million a minute) took one statement per request, every instance's
-- requests on one address's row. A take now asks for up to a lease of tokens and says how many it got: a hundredth of
-- a second's refill or of the burst, whichever is less; one below a hundred a second, as before (the limits a
-- deployment runs with). The instance spends the rest without asking. `granted` is kept for instances of the version before,
-- during an upgrade.
set local lock_timeout = '3s';
alter table rate_bucket add column taken integer not null default 0;
