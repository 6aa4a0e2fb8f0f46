-- Refunds are driven to SUCCESS: a failed request at the channel is retried with a backoff, a request
-- the channel took but never confirmed is queried, and one the channel refuses for good is FAILED,
-- for an operator to act on. next_attempt_at null: due now.
alter table refund add column attempts int not null default 0;
alter table refund add column next_attempt_at timestamptz;
alter table refund add column last_error text;
create index refund_open on refund (next_attempt_at) where state in ('PENDING', 'REQUESTED');
