-- Three reads that scanned their whole table, each growing by a row or more an order:
--   an order's refunds, read with every status answer, long poll and receipt (OrderView);
--   an order's Idempotency-Key, freed when its channel call fails or the order is given up (OrderStore.FORGET_KEY): at a
--   channel's outage every order made meanwhile;
--   the day's paid orders of the hand-off reconciliation (HandoffReconciliation.ITEMS), by when they were paid.
-- Built plainly (see V40): each holds its table against writes while it builds, about a second a million rows, so
-- orders and payments wait that long; upgrade outside a collection's last days.
create index refund_order on refund (order_id);
create index idempotency_key_order on idempotency_key (order_id) where freed_at is null;
create index orders_paid_at on orders (paid_at) where paid_at is not null;
