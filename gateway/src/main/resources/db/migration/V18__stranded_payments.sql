-- Money a verified payment brought that its order could not take (another amount, another channel,
-- an order paid already, expired, cancelled or failed) goes back by itself: the refund says why in a
-- code operators and alerts can count, through the channel that took the money, and of the amount that
-- channel took (a channel refunds against its own transaction's total, not the order's).
alter table refund add column reason_code text;
alter table refund add column channel text;
alter table refund add column paid_fen bigint check (paid_fen > 0);
create index refund_reason_code on refund (reason_code, created_at) where reason_code is not null;
