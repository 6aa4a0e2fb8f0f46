-- A person's name is kept as the roster wrote it, and compared by a key: without blanks (a space typed inside 张 三, a
-- full-width one from a spreadsheet), the middle dot of a name such as 阿卜杜热合曼·买买提 written one way (U+00B7, as on
-- the ID card) whichever look-alike a roster, a keyboard or an input method wrote (•, ・, ．, a full stop), and Latin
-- letters in one case. The one definition of the key, for every comparison: a lookup's typed name, a department list's.
create function person_name_key(name text) returns text language sql immutable parallel safe as $$
  select upper(translate(regexp_replace(name, '[[:space:]\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]+', '', 'g'),
    '.•・．‧∙⋅･', '········'))
$$;

alter table person add column name_key text generated always as (person_name_key(name)) stored;
