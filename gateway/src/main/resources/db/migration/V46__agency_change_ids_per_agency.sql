-- Each agency numbers its changes itself: two agencies' change 1001 are two changes, and the second was answered
-- duplicate (so never sent again) and not applied. An agency's change id is now kept under its name
-- ('agency ls-medical:1001'); administrators' files keep one numbering of their own, as before. The changes received
-- so far are renamed the same way, with the refunds they planned.
alter table agency_refund drop constraint agency_refund_change_id_fkey;
update agency_refund r set change_id = c.source || ':' || c.change_id from agency_change c
  where c.change_id = r.change_id and c.source like 'agency %';
update agency_change set change_id = source || ':' || change_id where source like 'agency %';
alter table agency_refund add constraint agency_refund_change_id_fkey foreign key (change_id) references agency_change (change_id);
