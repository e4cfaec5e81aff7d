-- Admin search for any part of a name or email uses trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "message_hour_counts" (
	"hour" timestamp with time zone NOT NULL,
	"shard" smallint NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "message_hour_counts_hour_shard_pk" PRIMARY KEY("hour","shard")
);
--> statement-breakpoint
CREATE TABLE "stat_deltas" (
	"name" text NOT NULL,
	"delta" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stat_totals" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
DROP INDEX "audit_events_action_created_idx";--> statement-breakpoint
CREATE INDEX "audit_events_action_pattern_idx" ON "audit_events" USING btree ("action" text_pattern_ops,"created_at");--> statement-breakpoint
CREATE INDEX "appointments_doctor_requested_created_idx" ON "appointments" USING btree ("doctor_id","created_at","id") WHERE "appointments"."status" = 'requested';--> statement-breakpoint
CREATE INDEX "users_search_trgm_idx" ON "users" USING gin (("name" || chr(1) || "email") gin_trgm_ops);--> statement-breakpoint

-- Counters kept by statement triggers: each statement appends one delta per counter it changed
-- (net of its old and new rows), so bulk inserts cost one row, and writers never wait on a
-- shared counter row. TG_ARGV[0] is an SQL expression giving a row's counter names (a text[];
-- nulls are skipped), evaluated over the transition table `r`.
CREATE FUNCTION stat_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS stat_d, * FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT -1 AS stat_d, * FROM old_rows'
    ELSE 'SELECT 1 AS stat_d, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows' END;
BEGIN
  EXECUTE format(
    'INSERT INTO stat_deltas (name, delta)
     SELECT counter.name, sum(r.stat_d) FROM (%s) r CROSS JOIN LATERAL unnest(%s) AS counter(name)
     WHERE counter.name IS NOT NULL GROUP BY counter.name HAVING sum(r.stat_d) <> 0',
    source, TG_ARGV[0]);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER users_stat_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY['users.' || r.role]$$);--> statement-breakpoint
CREATE TRIGGER users_stat_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY['users.' || r.role]$$);--> statement-breakpoint
CREATE TRIGGER users_stat_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY['users.' || r.role]$$);--> statement-breakpoint
-- An appointment counts under its status, and its room (if any) as open while it is accepted or
-- completed. The room is created after the status is set, so its own trigger counts it then.
CREATE TRIGGER appointments_stat_insert AFTER INSERT ON appointments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY['appointments.' || r.status,
    CASE WHEN r.status IN ('accepted', 'completed') AND EXISTS (SELECT 1 FROM chat_rooms c WHERE c.appointment_id = r.id) THEN 'rooms.open' END]$$);--> statement-breakpoint
CREATE TRIGGER appointments_stat_update AFTER UPDATE ON appointments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY['appointments.' || r.status,
    CASE WHEN r.status IN ('accepted', 'completed') AND EXISTS (SELECT 1 FROM chat_rooms c WHERE c.appointment_id = r.id) THEN 'rooms.open' END]$$);--> statement-breakpoint
CREATE TRIGGER appointments_stat_delete AFTER DELETE ON appointments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY['appointments.' || r.status,
    CASE WHEN r.status IN ('accepted', 'completed') AND EXISTS (SELECT 1 FROM chat_rooms c WHERE c.appointment_id = r.id) THEN 'rooms.open' END]$$);--> statement-breakpoint
-- A room's appointment never changes, so only its arrival and removal count.
CREATE TRIGGER chat_rooms_stat_insert AFTER INSERT ON chat_rooms REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY[(SELECT 'rooms.open' FROM appointments a WHERE a.id = r.appointment_id AND a.status IN ('accepted', 'completed'))]$$);--> statement-breakpoint
CREATE TRIGGER chat_rooms_stat_delete AFTER DELETE ON chat_rooms REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION stat_track($$ARRAY[(SELECT 'rooms.open' FROM appointments a WHERE a.id = r.appointment_id AND a.status IN ('accepted', 'completed'))]$$);--> statement-breakpoint

-- Messages per hour and shard (a room always writes to the same one of 32). Static SQL, so the
-- plan is cached: this runs on every message sent.
CREATE FUNCTION message_hour_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO message_hour_counts AS c (hour, shard, count)
  SELECT date_trunc('hour', created_at, 'UTC'), hashtext(room_id::text) & 31, count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (hour, shard) DO UPDATE SET count = c.count + excluded.count;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION message_hour_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE message_hour_counts c SET count = c.count - d.n
  FROM (SELECT date_trunc('hour', created_at, 'UTC') AS hour, hashtext(room_id::text) & 31 AS shard, count(*) AS n FROM old_rows GROUP BY 1, 2) d
  WHERE c.hour = d.hour AND c.shard = d.shard;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER messages_hour_count_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION message_hour_count_insert();--> statement-breakpoint
CREATE TRIGGER messages_hour_count_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION message_hour_count_delete();--> statement-breakpoint

-- What is already there.
INSERT INTO stat_totals (name, value)
SELECT 'users.' || role, count(*) FROM users GROUP BY role
UNION ALL SELECT 'appointments.' || status, count(*) FROM appointments GROUP BY status
UNION ALL SELECT 'rooms.open', count(*) FROM chat_rooms c JOIN appointments a ON a.id = c.appointment_id WHERE a.status IN ('accepted', 'completed');--> statement-breakpoint
INSERT INTO message_hour_counts (hour, shard, count)
SELECT date_trunc('hour', created_at, 'UTC'), hashtext(room_id::text) & 31, count(*) FROM messages GROUP BY 1, 2;
