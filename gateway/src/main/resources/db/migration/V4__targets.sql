-- Collection targets per township (village empty) or village, insurance and year (003 附件1/2, 004 附表1).
create table target (
  region_code text not null references region (code),
  township    text not null,
  village     text not null default '',
  insurance   text not null check (insurance in ('medical', 'pension')),
  year        int not null,
  target      int not null check (target >= 0),
  source      text not null,
  primary key (region_code, township, village, insurance, year)
);
