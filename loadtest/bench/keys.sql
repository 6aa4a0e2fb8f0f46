-- The residents lookup.pgbench.sql draws from: every person's keyed ID index and name, numbered 1..rows.
set client_min_messages = warning;
drop table if exists bench_keys;
create table bench_keys as select row_number() over () as n, id_index, name from person;
alter table bench_keys add primary key (n);
analyze bench_keys;
