-- The masked ID number kept in clear (3713**********1231) with the birth date and the village's region beside it gave
-- back the whole number: the first six characters are the region, the next eight the birth date, and the last four
-- were in the mask. The mask's last four are sealed from now on (id_tail: SM4 under a key derived from the ID key, see
-- PersonalDataCipher) and starred in id_masked. Rows written before are sealed by the gateway's sweep, a batch at a
-- time (the partial index finds them, and is empty once it is done); until then they show as they were.
-- A nullable column is added without rewriting the table, but the index is built while this migration holds the table
-- (plainly: see V40), every row still to seal: about a second a million persons, lookups waiting meanwhile. Upgrade
-- outside a collection's last days. The lock is not queued for behind a roster import (see V29).
set local lock_timeout = '3s';
alter table person add column id_tail bytea;
create index person_tail_clear on person (id) where id_tail is null;
