-- A region may collect two benefit years at once (next year's collection opens while this year's late
-- payments are still taken): one order may hold a person's insurance for both years.
alter table order_item drop constraint order_item_pkey;
alter table order_item add primary key (order_id, person_id, insurance, year);
