-- A day's records that reach the outbox after its file was written (a payment the next day's reconciliation found,
-- dated the day it was paid) go to a further file of that day: part 2, 3, ... (<receiver>-<day>-2.csv).
alter table handoff_file add column part int not null default 1;
alter table handoff_file drop constraint handoff_file_pkey;
alter table handoff_file add primary key (receiver, day, part);
