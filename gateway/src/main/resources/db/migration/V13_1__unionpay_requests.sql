-- UnionPay knows a request by the merchant's orderId together with its txnTime (query, refund and their
-- notifications all need both): what we sent, so any instance can ask about it later. A refund's orderId
-- is derived from our out_refund_no (UnionPay allows only letters and digits), kept here to map it back.
create table unionpay_request (
  order_id     text primary key,
  kind         text not null check (kind in ('pay', 'refund')),
  out_trade_no text not null,
  out_refund_no text,
  txn_time     text not null,
  pay_timeout  text,
  created_at   timestamptz not null default now()
);
create index unionpay_request_refund on unionpay_request (out_refund_no) where out_refund_no is not null;
