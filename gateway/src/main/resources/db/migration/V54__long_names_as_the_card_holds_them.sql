-- An ID card holds at most fifteen characters of a name (its chip's field is 30 bytes of UCS-2), so a longer name, such
-- as many a Uyghur or Kazakh name with the father's name after the dot, is read from the card cut to its first fifteen,
-- and the kiosk's keyboard takes fifteen too. A given name of fifteen characters or more therefore matches the roster's
-- name it begins; a shorter one must be the whole name, as before. Compared by person_name_key, as every name is.
create function person_name_matches(roster_key text, given text) returns boolean language sql immutable parallel safe as $$
  select roster_key = person_name_key(given)
      or (char_length(person_name_key(given)) >= 15 and starts_with(roster_key, person_name_key(given)))
$$;
