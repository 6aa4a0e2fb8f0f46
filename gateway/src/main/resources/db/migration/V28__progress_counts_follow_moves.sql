-- The roster import never moves a household to another village, nor a person to a household of another village,
-- but a correction made by hand in the database may. The kept counts follow such a move, in the same statement:
-- a person's paid items count in the village they are in now (V27 moved only the person's enrolment), and a
-- household moved takes its persons' enrolment and paid items along. Without this, a refund after the move would
-- take the item off the new village's count while the old one kept it.
-- Row triggers on the moving column only: a payment's own updates (a household's stamp) never fire them.

create function person_moved_paid() returns trigger language plpgsql as $$
begin
  insert into progress_paid_change (village_id, insurance, year, paid)
  select h.village_id, r.insurance, r.year, c.n * count(*) from reservation r
    cross join (values (old.household_id, -1), (new.household_id, 1)) c (household_id, n)
    join household h on h.id = c.household_id
    where r.person_id = new.id and r.paid
      and (select village_id from household where id = old.household_id)
        <> (select village_id from household where id = new.household_id)
    group by h.village_id, r.insurance, r.year, c.n;
  return null;
end $$;

create trigger person_moved_paid after update of household_id on person
  for each row when (old.household_id is distinct from new.household_id) execute function person_moved_paid();

create function household_moved() returns trigger language plpgsql as $$
begin
  update village v set enrolled = v.enrolled + c.n * (select count(*) from person where household_id = new.id)
    from (values (old.village_id, -1), (new.village_id, 1)) c (village_id, n) where v.id = c.village_id;
  insert into progress_paid_change (village_id, insurance, year, paid)
  select c.village_id, r.insurance, r.year, c.n * count(*) from reservation r join person p on p.id = r.person_id
    cross join (values (old.village_id, -1), (new.village_id, 1)) c (village_id, n)
    where p.household_id = new.id and r.paid
    group by c.village_id, r.insurance, r.year, c.n;
  return null;
end $$;

create trigger household_moved after update of village_id on household
  for each row when (old.village_id is distinct from new.village_id) execute function household_moved();
