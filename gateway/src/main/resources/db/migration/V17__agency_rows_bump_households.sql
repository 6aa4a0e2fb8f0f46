-- What the agencies say (agency_change) and an operator's choice on a cross-check (cross_check) change
-- what a household's members owe, as their categories and reservations do: they bump the household's
-- stamp in the same transaction, so an answer a gateway keeps is not served after them (see V9).
create trigger agency_change_inserted after insert on agency_change referencing new table as new_rows
  for each statement execute function member_rows_changed();
create trigger agency_change_updated after update on agency_change referencing old table as old_rows new table as new_rows
  for each statement execute function member_rows_changed();
create trigger agency_change_deleted after delete on agency_change referencing old table as old_rows
  for each statement execute function member_rows_changed();

create trigger cross_check_inserted after insert on cross_check referencing new table as new_rows
  for each statement execute function member_rows_changed();
create trigger cross_check_updated after update on cross_check referencing old table as old_rows new table as new_rows
  for each statement execute function member_rows_changed();
create trigger cross_check_deleted after delete on cross_check referencing old table as old_rows
  for each statement execute function member_rows_changed();
