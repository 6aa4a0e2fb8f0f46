-- Targets come from the configuration's CSV files at every start, and administrators revise them through the API.
-- A start overwrote every revision with the files' figures (a restart during a failover put last month's targets
-- back, unseen). A row revised through the API is marked, and the files no longer change it; rows written before
-- this version are taken as the files' (the audit log's targets.import entries name any revised earlier).
alter table target add column revised boolean not null default false;
