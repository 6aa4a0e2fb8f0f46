-- The payment channels' notifications are kept for disputes for 400 days, and what they say names the payer: Alipay's
-- buyer_id and buyer_logon_id, UnionPay's accNo. Their bodies are sealed at rest from now on (SM4-GCM under the
-- personal-data key, as ID numbers are); `sealed` says which rows are. Rows kept in clear before are sealed by the
-- gateway's sweep, a batch at a time (the partial index finds them, and is empty once it is done). A column with a
-- constant default is added without rewriting the table. The index is built plainly: CREATE INDEX CONCURRENTLY waits
-- on the transaction Flyway holds its migration lock in, and on instances waiting for that lock.
alter table callback_log add column sealed boolean not null default false;
create index callback_log_clear on callback_log (id) where not sealed;
