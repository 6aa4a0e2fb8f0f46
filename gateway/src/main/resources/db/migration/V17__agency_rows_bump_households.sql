-- What the agencies say (agency_change) and an operator's choice on a cross-check (cross_check) change
-- what a household's members owe, as their categories and reservations do: they bump the household's
-- stamp in the same transaction, so an answer a gateway keeps is not served after them (see V9).
do $$
declare
  t text;
begin
  foreach t in array array['agency_change', 'cross_check'] loop
    execute format('create trigger %1$s_inserted after insert on %1$s referencing new table as new_rows'
      ' for each statement execute function member_rows_changed()', t);
    execute format('create trigger %1$s_updated after update on %1$s referencing old table as old_rows new table as new_rows'
      ' for each statement execute function member_rows_changed()', t);
    execute format('create trigger %1$s_deleted after delete on %1$s referencing old table as old_rows'
      ' for each statement execute function member_rows_changed()', t);
  end loop;
end $$;
