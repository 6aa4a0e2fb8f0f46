-- Wrong passwords lock the source that typed them out of that account, not the account: strangers
-- cannot lock out the people who run the collection. Each further lock of the same source is longer.
create table login_lock (
  username      text not null,
  address       text not null,
  failures      int not null default 0,
  locks         int not null default 0,
  locked_until  timestamptz,
  primary key (username, address)
);
