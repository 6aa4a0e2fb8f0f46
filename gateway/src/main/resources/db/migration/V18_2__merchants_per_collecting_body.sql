-- Each collecting body (a county's tax bureau or medical-insurance fund) may receive into its own
-- merchant: an order remembers the merchant it was opened at (WeChat Pay's mchid, Alipay's app_id,
-- UnionPay's merId), and its queries, closes and refunds go there whatever the configuration says later.
-- Null: the default merchant of the order's channel (orders from before).
alter table orders add column merchant text;
-- a refund goes back through the merchant that took the money (null: the order's)
alter table refund add column merchant text;
-- and a payment remembers the merchant that took it (null: the default merchant of its channel)
alter table payment add column merchant text;
