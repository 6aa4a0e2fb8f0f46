-- A day reconciled against the channel's signed answer that it has no bill of the day (no trade that day, or a bill
-- not out yet: a late one): the schedule looks at such a day once more, at its due time if it was done before it (an
-- operator's early run), and a day after its due time, so that a bill that was only late is still read.
alter table channel_reconciliation add column no_bill boolean not null default false;
