-- An order given up (its channel call failed, or it was stranded) frees its Idempotency-Key, so that the same request
-- makes the order again. The key was deleted, and with it the only link from the key to the order given up: a kiosk
-- restarted mid-request that looked its order up by key was told there was none, and sent the request again, making a
-- new order (a new trade at the channel) only to cancel it. The key now stays, marked freed: a create takes it over,
-- and a lookup by key still finds the order given up.
-- every order writes this table: the instant column add waits for it a moment at most (see V29)
set local lock_timeout = '3s';
alter table idempotency_key add column freed_at timestamptz;
