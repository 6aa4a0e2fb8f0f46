-- A refused callback keeps a bounded digest (its first KiB, length and SHA-256), not its whole body;
-- verified ones keep the raw body that their signature covers. Old rows are removed by the sweeper.
alter table callback_log add column body_bytes int;
alter table callback_log add column body_sha256 bytea;
create index callback_log_received on callback_log (received_at);
