-- Policy books an administrator published at run time (POST /api/v1/operator/books): the text as uploaded,
-- checked exactly as a book of the configuration is at start-up. A book is live for its region from
-- active_from (null: uploaded and previewed, not activated); every instance reads the table at start and
-- again when one announces an activation (NOTIFY policy_book, the region's code).
create table policy_book (
  id            bigserial primary key,
  region_code   text not null references region (code),
  book_id       text not null,
  file_name     text not null,
  text          text not null,
  uploaded_by   text not null,
  uploaded_at   timestamptz not null default now(),
  active_from   date,
  activated_by  text,
  activated_at  timestamptz,
  check ((active_from is null) = (activated_by is null))
);

create index policy_book_live on policy_book (region_code, active_from) where active_from is not null;
