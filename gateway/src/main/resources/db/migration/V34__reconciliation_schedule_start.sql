-- The first day the schedule reconciles each channel's merchant. The schedule tries again every day since then
-- that is not done (failed, or never run while every instance was down), within reconciliation.lookBackDays;
-- never a day before it: a merchant's bills from before this gateway took its payments (a merchant added to
-- channels.merchants, a new deployment) are no business of the schedule's, only of an operator who asks.
create table channel_reconciliation_start (
  channel   text not null,
  merchant  text not null,
  first_day date not null,
  primary key (channel, merchant)
);
-- a deployment reconciling already: from the first day it reconciled
insert into channel_reconciliation_start (channel, merchant, first_day)
  select channel, merchant, min(day) from channel_reconciliation group by channel, merchant;
