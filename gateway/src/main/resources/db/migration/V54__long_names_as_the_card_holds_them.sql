-- An ID card holds at most fifteen characters of a name (its chip's field is 30 bytes of UCS-2), so a longer name, such
-- as many a Uyghur or Kazakh name with the father's name after the dot, is read from the card cut to its first fifteen,
-- and the kiosk's keyboard takes fifteen too. A given name of fifteen characters or more therefore matches the roster's
-- name it begins; a shorter one must be the whole name, as before. Compared by person_name_key, as every name is.
--
-- PL/pgSQL, which keys the given name once and keeps its plan: a SQL function is inlined only where its argument is
-- cheap, and called otherwise at some 0.1 ms a row (pgbench's baseline gives the name as a subquery).
create function person_name_matches(roster_key text, given text) returns boolean language plpgsql immutable parallel safe
as $$
declare
  k constant text := person_name_key(given);
begin
  return roster_key = k or (char_length(k) >= 15 and starts_with(roster_key, k));
end
$$;
