-- Rate-limit buckets are counters, not records: skipping the write-ahead log saves a disk flush on
-- every sign-in attempt and message sent. After a crash PostgreSQL empties the table, which only
-- gives everyone a fresh allowance.
ALTER TABLE "rate_limits" SET UNLOGGED;
