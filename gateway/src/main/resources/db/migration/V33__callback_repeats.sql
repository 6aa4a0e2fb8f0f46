-- A verified callback whose body repeats one already kept (same channel, same SHA-256: a channel's re-delivery, or
-- anyone's replay of it) is counted on the kept row (repeats, last_seen_at) instead of being kept again: the log grows
-- with what the channels signed, never with how often it is posted.
-- Rows kept before this have no count (null) and stay as they are: the unique index covers only rows counted from
-- now on, so that a log that already holds repeated rows migrates without any of them being removed.
alter table callback_log add column repeats bigint;
alter table callback_log alter column repeats set default 0;
alter table callback_log add column last_seen_at timestamptz;
create unique index callback_log_verified_body on callback_log (channel, body_sha256) where verified and repeats is not null;
