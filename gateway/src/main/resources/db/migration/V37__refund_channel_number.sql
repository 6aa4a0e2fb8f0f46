-- A refund of ours the channel carried out under a number of its own: a refund owed of a payment its order could not
-- take that the finance office gave back on the channel's own merchant platform instead. The refund keeps our number
-- (finance, the channel's notifications and the logs know it by that); the bill lists it under the channel's, which
-- reconciliation matches on from then on.
-- every refund writes this table: the instant column adds wait for it a moment at most (see V29)
set local lock_timeout = '3s';
alter table refund add column channel_refund_no text;
-- no row has one yet, so the index is built at once (a handful, ever)
create unique index refund_channel_refund_no on refund (channel_refund_no) where channel_refund_no is not null;
