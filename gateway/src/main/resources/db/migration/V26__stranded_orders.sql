-- Orders still without anything to pay with (their prepay not recorded): the leader's sweep looks for ones older than
-- two minutes on every round, and a repeat of the order's request looks at its own. Almost always empty, so each
-- look costs an index probe instead of a scan of every order still paying (tens of thousands at the deadline).
create index orders_unprepared on orders (created_at) where state = 'PAYING' and payment is null;
