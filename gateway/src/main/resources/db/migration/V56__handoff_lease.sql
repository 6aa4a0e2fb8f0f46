-- Until when a record claimed for a push may still be answered (set by the claim: the push timeout and half a minute).
-- The day's reconciliation sends a record still unanswered again at once, but never before this: brought forward while
-- another instance's request for it is open, it would be claimed and sent a second time beside it.
alter table handoff_record add column leased_until timestamptz;
