-- A reconciliation run keeps its claim of the day while it works: the instance running it writes here every two
-- minutes. A run is taken over as abandoned only when neither its claim nor its last renewal is under ten minutes old,
-- so that a long run (a busy day's bill with many repairs) is never run twice at once and keeps its report.
alter table channel_reconciliation add column renewed_at timestamptz;
