-- The masked ID number kept in clear (3713**********1231) with the birth date and the village's region beside it gave
-- back the whole number: the first six characters are the region, the next eight the birth date, and the last four
-- were in the mask. The mask's last four are sealed from now on (id_tail: SM4 under a key derived from the ID key, see
-- PersonalDataCipher) and starred in id_masked. Rows written before are sealed by the gateway's sweep, a batch at a
-- time (V42.1's partial index finds them); until then they show as they were. A nullable column is added without
-- rewriting the table, under a lock held only for this migration's short transaction (not queued for behind a roster
-- import: see V29); the index is built in a migration of its own, while reads and orders go on.
set local lock_timeout = '3s';
alter table person add column id_tail bytea;
