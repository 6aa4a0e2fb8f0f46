-- A refund the channel refused for good (FAILED) that finance paid back another way (a bank transfer, cash at the
-- township office): when, by whom, how and under which voucher. The refund stays FAILED, since no channel moved the
-- money and no channel's bill lists it; settled_at says the resident has it back, once.
-- every refund writes this table: the instant column adds wait for it a moment at most (see V29)
set local lock_timeout = '3s';
alter table refund add column settled_at timestamptz;
alter table refund add column settled_by text;
alter table refund add column settled_how text;
alter table refund add column settled_reference text;
alter table refund add constraint refund_settled_whole check ((settled_at is null) = (settled_by is null)
  and (settled_at is null) = (settled_how is null) and (settled_at is null) = (settled_reference is null));
-- the refunds still owed: the gauge behind RefundRefusedByChannel and finance's worklist
create index refund_failed_unsettled on refund (id) where state = 'FAILED' and settled_at is null;

-- a difference given back another way is taken off what its member paid, as a confirmed one is (see V24)
create trigger refund_settled_updated after update of settled_at on refund for each row
  when ((old.settled_at is null) is distinct from (new.settled_at is null)) execute function refund_confirmed();
