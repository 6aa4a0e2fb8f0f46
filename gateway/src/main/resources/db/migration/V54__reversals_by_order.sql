-- An order's reversals, read with its receipt where the order has refunds (an item undone without money is known by its
-- whole reversal): a few rows among the contributions of every paid item, found by their order without a scan.
create index handoff_reversal_order on handoff_record (order_id) where kind = 'REVERSAL';
