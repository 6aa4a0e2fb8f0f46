-- What waits, by receiver. The table keeps every record of the window (millions in a province by its end), and a
-- receiver given daily files keeps a whole day's records PENDING until the day's file (hundreds of thousands by a
-- deadline's midnight). A pushed receiver's claim (its due records, oldest first) used to walk the table in id order
-- when it had nothing due, and the gauges read every record waiting; each now reads its receiver's part only.
create index handoff_claim on handoff_record (region_code, insurance, id) where state = 'PENDING';
create index handoff_pending_by_receiver on handoff_record (region_code, insurance, created_at) where state = 'PENDING';
