-- What a scheduled run of a day repaired before it failed: it books the day's payments, then finds a refund made at the
-- channel whose payment is not booked here yet, and leaves the day FAILED to be tried again. Its repairs stay made, so
-- the run that completes the day no longer sees them as differences: they are carried here, and into that run's report.
alter table channel_reconciliation add column repaired_earlier jsonb;
