-- Since when the channel has refused a refund outright on every try (not for a passing reason: its network, its load,
-- an answer that would not verify): given up as FAILED, for finance to pay back another way, once that has lasted.
alter table refund add column refused_since timestamptz;
