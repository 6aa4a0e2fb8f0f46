-- Progress against targets was counted from every person of a region on each request: the heaviest statement of
-- a load test run (166 ms for 200,000 persons, each region and insurance once a minute), and a province of tens of
-- millions could not be counted at all. The counts are now kept as the rows change, in the same transaction:
--   village.enrolled        the persons on the village's roster;
--   progress_paid           per village, insurance and year, the persons paid;
--   progress_paid_change    what payments, releases and refunds changed since: insert only, so that two payments
--                           in one village at the same moment never wait on one counter row. The leader folds it
--                           into progress_paid now and then; a count reads both, so it is exact at every moment.
-- Households never move between villages (the roster import refuses it), so a person's village is their
-- household's.
alter table village add column enrolled bigint not null default 0;

create table progress_paid (
  village_id bigint not null references village (id),
  insurance  text not null,
  year       int not null,
  paid       bigint not null,
  primary key (village_id, insurance, year)
);

create table progress_paid_change (
  village_id bigint not null,
  insurance  text not null,
  year       int not null,
  paid       bigint not null
);
create index progress_paid_change_village on progress_paid_change (village_id, insurance, year);

create function person_enrolled_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update village v set enrolled = v.enrolled + c.n from (select h.village_id, count(*) as n from new_rows p
      join household h on h.id = p.household_id group by 1) c where v.id = c.village_id;
  elsif tg_op = 'DELETE' then
    update village v set enrolled = v.enrolled - c.n from (select h.village_id, count(*) as n from old_rows p
      join household h on h.id = p.household_id group by 1) c where v.id = c.village_id;
  else
    update village v set enrolled = v.enrolled + c.n from (select village_id, sum(n) as n from (
        select h.village_id, 1 as n from new_rows p join household h on h.id = p.household_id
        union all select h.village_id, -1 from old_rows p join household h on h.id = p.household_id) d
      group by 1 having sum(n) <> 0) c where v.id = c.village_id;
  end if;
  return null;
end $$;

-- only paid rows count: an order's reservation taken or released while unpaid inserts nothing
create function reservation_paid_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into progress_paid_change (village_id, insurance, year, paid)
    select h.village_id, r.insurance, r.year, count(*) from new_rows r join person p on p.id = r.person_id
      join household h on h.id = p.household_id where r.paid group by 1, 2, 3;
  elsif tg_op = 'DELETE' then
    insert into progress_paid_change (village_id, insurance, year, paid)
    select h.village_id, r.insurance, r.year, -count(*) from old_rows r join person p on p.id = r.person_id
      join household h on h.id = p.household_id where r.paid group by 1, 2, 3;
  else
    insert into progress_paid_change (village_id, insurance, year, paid)
    select h.village_id, d.insurance, d.year, sum(d.n) from (
        select person_id, insurance, year, 1 as n from new_rows where paid
        union all select person_id, insurance, year, -1 from old_rows where paid) d
      join person p on p.id = d.person_id join household h on h.id = p.household_id
      group by 1, 2, 3 having sum(d.n) <> 0;
  end if;
  return null;
end $$;

-- the triggers first: creating them locks the tables against writes until this migration commits, so that no
-- payment of another instance falls between the counts below and the triggers
create trigger person_enrolled_inserted after insert on person referencing new table as new_rows
  for each statement execute function person_enrolled_changed();
create trigger person_enrolled_updated after update on person referencing old table as old_rows
  new table as new_rows for each statement execute function person_enrolled_changed();
create trigger person_enrolled_deleted after delete on person referencing old table as old_rows
  for each statement execute function person_enrolled_changed();

create trigger reservation_paid_inserted after insert on reservation referencing new table as new_rows
  for each statement execute function reservation_paid_changed();
create trigger reservation_paid_updated after update on reservation referencing old table as old_rows
  new table as new_rows for each statement execute function reservation_paid_changed();
create trigger reservation_paid_deleted after delete on reservation referencing old table as old_rows
  for each statement execute function reservation_paid_changed();

update village v set enrolled = c.n from (select h.village_id, count(*) as n from person p
  join household h on h.id = p.household_id group by 1) c where v.id = c.village_id;

insert into progress_paid (village_id, insurance, year, paid)
select h.village_id, r.insurance, r.year, count(*) from reservation r join person p on p.id = r.person_id
  join household h on h.id = p.household_id where r.paid group by 1, 2, 3;
