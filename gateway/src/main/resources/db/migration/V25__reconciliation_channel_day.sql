-- A day's reconciliation reads ours booked on that day however late we recorded them.
create index payment_channel_day on payment (channel_day);
create index refund_channel_day on refund (channel_day);
