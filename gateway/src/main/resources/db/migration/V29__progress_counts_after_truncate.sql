-- The kept counts (V27, V28) follow inserts, updates and deletes, but a TRUNCATE fires no row or statement trigger
-- of those kinds: truncating the reservations (a test database emptied, a collection year cleared by hand) or the
-- roster left the counts as they were, and the operators' progress showed persons and payments no longer there.
-- A truncate of any table the counts are made from now counts them again from the rows, in the same transaction.
-- TRUNCATE holds its tables exclusively, so no payment falls between; the count tables are locked first, in the order
-- the leader's fold takes them (it moves rows from one to the other), so that it waits rather than adding a change
-- twice, and neither waits on the other for ever.
-- Each trigger locks its table against writes until this migration commits: the roster's tables first, the
-- reservations (every payment writes them) last, and none waited on for long (a roster import under way: the start
-- fails, and is tried again, rather than holding the payments up behind it).
set local lock_timeout = '3s';

create function progress_recounted() returns trigger language plpgsql as $$
begin
  lock table progress_paid_change, progress_paid in exclusive mode;
  delete from progress_paid_change;
  delete from progress_paid;
  insert into progress_paid (village_id, insurance, year, paid)
  select h.village_id, r.insurance, r.year, count(*) from reservation r join person p on p.id = r.person_id
    join household h on h.id = p.household_id where r.paid group by 1, 2, 3;
  update village v set enrolled = coalesce(c.n, 0) from village w left join (select h.village_id, count(*) as n
      from person p join household h on h.id = p.household_id group by 1) c on c.village_id = w.id
    where v.id = w.id and v.enrolled is distinct from coalesce(c.n, 0);
  return null;
end $$;

create trigger household_truncated after truncate on household
  for each statement execute function progress_recounted();
create trigger person_truncated after truncate on person
  for each statement execute function progress_recounted();
create trigger reservation_truncated after truncate on reservation
  for each statement execute function progress_recounted();
