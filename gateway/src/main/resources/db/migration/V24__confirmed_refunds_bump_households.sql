-- A refund the channel confirms changes what a household's answer shows (a paid item's difference given back is
-- taken off what its member paid): it bumps the stamp of the household of the order and of each of its items'
-- members, in the same transaction, so that an answer a gateway keeps is not served after it (see V9). Only the
-- change to or from SUCCESS fires: a refund's retries and queries update its row often and change nothing shown.
create function refund_confirmed() returns trigger language plpgsql as $$
begin
  perform household_bump(array(select o.household_id from orders o where o.id = new.order_id
    union select p.household_id from order_item i join person p on p.id = i.person_id where i.order_id = new.order_id));
  return null;
end $$;

create trigger refund_confirmed_inserted after insert on refund for each row when (new.state = 'SUCCESS')
  execute function refund_confirmed();
create trigger refund_confirmed_updated after update of state on refund for each row
  when ((old.state = 'SUCCESS') is distinct from (new.state = 'SUCCESS')) execute function refund_confirmed();
