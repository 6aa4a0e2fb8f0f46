-- The persons whose masked number's tail is still in clear (V42), for the sweep that seals them: empty once it is done.
-- Built in a transaction of its own: CREATE INDEX holds the table against writes (a roster import waits), not against
-- reads or the orders' references to persons, about a second a million persons. Plainly, not CONCURRENTLY: see V40.
create index person_tail_clear on person (id) where id_tail is null;
