-- A person's name as the gateway now keeps and compares it (PersonNames): no blanks inside it, and the middle dot of a
-- name such as 阿卜杜热合曼·买买提 written as U+00B7 whichever look-alike the roster used. Names imported before are
-- written so once, so that a resident typing the name either way still finds the household.
update person set name = translate(regexp_replace(name, '[[:space:]\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]+', '', 'g'),
    '.•・．‧∙⋅･', '········')
  where name ~ '[[:space:]\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff.•・．‧∙⋅･]';
