-- The gateway's lookup query when it keeps the household's answer (HouseholdStore.STAMP_BY_PERSON: which
-- household, and its stamp), for a random resident of bench_keys.
\set n random(1, :rows)
select h.id, h.stamp, v.region_code from person p join household h on h.id = p.household_id join village v on v.id = h.village_id where p.id_index = (select id_index from bench_keys where n = :n) and person_name_matches(p.name_key, (select name from bench_keys where n = :n));
