-- What a payment's reservations cost PostgreSQL with their triggers (the household's stamp, the progress counts):
-- an order of household :household taken and paid, then rolled back, so that the database is left as it was.
-- pgbench -n -r -M prepared -c 1 -t 3000 -D household=<id> -f loadtest/bench/reservation.pgbench.sql
-- (a household of some members, created before this session began: a household created in the same transaction
-- is not bumped). Compare with `alter table reservation disable trigger <name>` for each trigger, then enable it.
\set n random(1, 1000000000)
begin;
insert into orders (id, household_id, region_code, channel, mode, state, total_fen, client_id, created_at, expires_at) select md5(:n::text)::uuid, h.id, v.region_code, 'wechat', 'qr', 'PAYING', 1, 'bench', now(), now() from household h join village v on v.id = h.village_id where h.id = :household;
insert into reservation (person_id, insurance, year, order_id, held_until) select id, 'medical', 2027, md5(:n::text)::uuid, now() from person where household_id = :household;
update reservation set paid = true, held_until = null where order_id = md5(:n::text)::uuid;
rollback;
