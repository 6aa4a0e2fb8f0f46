-- How a refused contribution was closed: because its item had been given back whole (true), or settled with the agency
-- while still paid (false; null for those closed before). Its reversal, refused too, may be closed by township staff
-- only in the first case: in the second the agency may hold the contribution the reversal undoes.
alter table handoff_record add column closed_refunded boolean;
