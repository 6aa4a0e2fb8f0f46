-- An update of a household's rows (a reservation paid or released, a member's category changed) bumped the
-- household's stamp twice in one statement: once for the rows as they were, once for the rows as they are.
-- Both name the same household but for a member moved between households, so the union of the two is bumped,
-- once: every payment's statement writes one household row version instead of two (see V9).
create or replace function person_rows_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform household_bump(array(select distinct household_id from new_rows));
  elsif tg_op = 'UPDATE' then
    perform household_bump(array(select household_id from new_rows union select household_id from old_rows));
  else
    perform household_bump(array(select distinct household_id from old_rows));
  end if;
  return null;
end $$;

create or replace function member_rows_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform household_bump(array(select distinct p.household_id from new_rows n join person p on p.id = n.person_id));
  elsif tg_op = 'UPDATE' then
    perform household_bump(array(select p.household_id from new_rows n join person p on p.id = n.person_id
      union select p.household_id from old_rows o join person p on p.id = o.person_id));
  else
    perform household_bump(array(select distinct p.household_id from old_rows o join person p on p.id = o.person_id));
  end if;
  return null;
end $$;
