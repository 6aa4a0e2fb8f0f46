-- After `gateway keys reseal` nothing is sealed under the older SM4 keys any more: an instance started with one of
-- them as its current key (its settings from before the change) would seal what the others can no longer open. The
-- reseal keeps here the fixed text sealed under each key it retired, and an instance whose current key opens one of
-- them refuses to start, saying so. A nullable column: added without rewriting the one-row table.
set local lock_timeout = '3s';
alter table id_key_check add column retired bytea[];
