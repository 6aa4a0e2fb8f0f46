-- A day done with refunds at the channel waiting for their payments to be booked here (an operator's run records such
-- a day; the schedule's own run leaves it failed): the schedule tries the day again until nothing waits. Kept as a flag
-- the schedule's frequent read of the look-back takes as it is, rather than found in each day's differences every time.
alter table channel_reconciliation add column waiting boolean not null default false;

update channel_reconciliation r set waiting = true
 where state = 'DONE'
   and exists (select 1 from jsonb_array_elements(coalesce(r.differences, '[]'::jsonb)) d where d->>'left' like 'waits:%');
