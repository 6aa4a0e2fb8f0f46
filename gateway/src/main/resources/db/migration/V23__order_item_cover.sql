-- The cover an order's item was assessed with when the order was made (the first and last day of medical cover, or
-- of the pension's contribution year): what the item shows once paid, whatever the books would date it at later (a
-- payment made in the window, looked up in the late phase, has no waiting period). Null for items made before.
alter table order_item add column coverage_start date, add column coverage_end date;
