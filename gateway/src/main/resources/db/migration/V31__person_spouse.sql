-- 峄城's family-planning subsidy (notice 002 四(一)) is given to both spouses once the wife is 50: a husband's
-- assessment needs his wife's age. A roster may name a person's spouse (spouse_id_number); what the engine needs of
-- that number, the birth date and sex, is kept beside the person, as the person's own are, and the number itself is
-- not kept at all. Null: no spouse named.
-- a column added without a default is instant, but waits for the table: never long (see V29)
set local lock_timeout = '3s';
alter table person add column spouse_birth_date date, add column spouse_sex char(1);
