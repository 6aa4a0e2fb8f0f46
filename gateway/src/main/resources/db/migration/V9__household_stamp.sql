-- A household's answer (who is in it, what each member owes, what is held or paid) changes only with its
-- rows: members, their categories, their reservations. Every change to those bumps the household's
-- stamp in the same transaction, whichever gateway or import made it, so that a gateway can keep the
-- assessed answer and know, from the stamp a lookup reads anyway, whether it is still the answer.
-- Statement-level triggers: one update per household per statement, taken after the statement's rows,
-- so a bulk import or a family order locks each household once, last.
alter table household add column stamp bigint not null default 0;

-- A household created in this same transaction (created_at = now()) has no answer kept anywhere yet:
-- a roster import of a million new persons does not rewrite every new household.
create function household_bump(ids bigint[]) returns void language sql as $$
  update household set stamp = stamp + 1 where id = any (ids) and created_at < now();
$$;

create function person_rows_changed() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    perform household_bump(array(select distinct household_id from new_rows));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform household_bump(array(select distinct household_id from old_rows));
  end if;
  return null;
end $$;

create function member_rows_changed() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    perform household_bump(array(select distinct p.household_id from new_rows n join person p on p.id = n.person_id));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform household_bump(array(select distinct p.household_id from old_rows o join person p on p.id = o.person_id));
  end if;
  return null;
end $$;

create trigger person_inserted after insert on person referencing new table as new_rows
  for each statement execute function person_rows_changed();
create trigger person_updated after update on person referencing old table as old_rows new table as new_rows
  for each statement execute function person_rows_changed();
create trigger person_deleted after delete on person referencing old table as old_rows
  for each statement execute function person_rows_changed();

create trigger category_inserted after insert on person_category referencing new table as new_rows
  for each statement execute function member_rows_changed();
create trigger category_updated after update on person_category referencing old table as old_rows new table as new_rows
  for each statement execute function member_rows_changed();
create trigger category_deleted after delete on person_category referencing old table as old_rows
  for each statement execute function member_rows_changed();

create trigger reservation_inserted after insert on reservation referencing new table as new_rows
  for each statement execute function member_rows_changed();
create trigger reservation_updated after update on reservation referencing old table as old_rows new table as new_rows
  for each statement execute function member_rows_changed();
create trigger reservation_deleted after delete on reservation referencing old table as old_rows
  for each statement execute function member_rows_changed();
