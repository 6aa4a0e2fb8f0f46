-- A refund finance paid back another way (V35) that the channel then confirmed after all went back to the resident
-- twice. Finance recovers one (the resident returns it, or it is written off) and records that here, once: when, by
-- whom, how and under which voucher. Until then it is on finance's worklist, and liangxian_refunds_paid_back_twice
-- counts it.
-- every refund writes this table: the instant column adds wait for it a moment at most (see V29)
set local lock_timeout = '3s';
alter table refund add column recovered_at timestamptz;
alter table refund add column recovered_by text;
alter table refund add column recovered_how text;
alter table refund add column recovered_reference text;
-- checked for every row written from now on; the rows already there have none of the four, so nothing is read now
alter table refund add constraint refund_recovered_whole check ((recovered_at is null) = (recovered_by is null)
  and (recovered_at is null) = (recovered_how is null) and (recovered_at is null) = (recovered_reference is null)) not valid;
-- the refunds paid back twice and not yet recovered: the gauge and finance's worklist (none, or a handful, ever)
create index refund_paid_back_twice on refund (id) where state = 'SUCCESS' and settled_at is not null and recovered_at is null;
