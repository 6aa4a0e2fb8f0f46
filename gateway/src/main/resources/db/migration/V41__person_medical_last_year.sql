-- The last benefit year a person was covered by the resident medical insurance, as the agency's roster says (上次参保年度),
-- or null where it says nothing: a book's continuity rule makes a resident back after a break in cover wait (国办发〔2024〕38号).
-- A nullable column without a default: added without rewriting the table. An update of it bumps the household's stamp
-- (person_updated), so a kept answer is assessed again.
alter table person add column medical_last_year smallint;
