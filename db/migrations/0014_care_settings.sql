ALTER TABLE "chat_rooms" ADD COLUMN "reopened_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "chat_rooms" ADD COLUMN "away_replied_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD COLUMN "reply_days" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD COLUMN "reply_window_days" smallint DEFAULT 14 NOT NULL;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD COLUMN "away_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD COLUMN "away_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD COLUMN "away_message" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD COLUMN "away_colleague" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_reply_days" CHECK ("doctor_profiles"."reply_days" between 1 and 10);--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_reply_window_days" CHECK ("doctor_profiles"."reply_window_days" between 1 and 90);--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_away_period" CHECK (("doctor_profiles"."away_from" is null and "doctor_profiles"."away_until" is null) or ("doctor_profiles"."away_from" < "doctor_profiles"."away_until"));--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_away_message_length" CHECK (char_length("doctor_profiles"."away_message") <= 300);--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_away_colleague_length" CHECK (char_length("doctor_profiles"."away_colleague") <= 100);--> statement-breakpoint
-- Sending now also applies the reply window and tells the caller when the away notice's automatic
-- reply is due (lib/chat/messages.ts sendMessage); still one call. The result gains columns, so the
-- function is dropped and created again.
DROP FUNCTION carebridge_send_message(uuid, uuid, uuid, text, integer, text[], text, float8, float8, text, text, text, text, uuid[], bigint);--> statement-breakpoint
CREATE FUNCTION carebridge_send_message(
  p_room uuid,
  p_sender uuid,
  p_client uuid,
  p_body text,
  p_seen integer,
  p_open_statuses text[],
  p_limit_key text,
  p_limit_capacity float8,
  p_limit_rate float8,
  p_channel text,
  p_job_sql text,
  p_job_json text,
  p_job_placeholder text,
  p_files uuid[],
  p_files_max_bytes bigint
) RETURNS TABLE (
  outcome text,
  seq integer,
  sender_id uuid,
  client_id uuid,
  body text,
  created_at timestamptz,
  retry_after integer,
  member_ids text,
  files_bytes bigint,
  files json,
  closes_at timestamptz,
  away_reply_due boolean,
  away_key timestamptz,
  doctor_id uuid,
  time_zone text
)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
  v_tokens float8;
  v_allowed boolean;
  v_status text;
  v_existing messages%ROWTYPE;
  v_seq integer;
  v_at timestamptz;
  v_members uuid[];
  v_member uuid;
  v_files integer;
  v_files_bytes bigint;
  v_closes_at timestamptz;
  v_away_due boolean;
  v_away_key timestamptz;
  v_doctor uuid;
  v_zone text;
BEGIN
  -- The sender's token bucket (lib/rate-limit.ts consume(), the same upsert).
  INSERT INTO rate_limits AS r (key, tokens, allowed, updated_at)
  VALUES (p_limit_key, p_limit_capacity - 1, true, clock_timestamp())
  ON CONFLICT (key) DO UPDATE SET
    tokens = CASE
      WHEN least(p_limit_capacity, r.tokens + extract(epoch FROM (clock_timestamp() - r.updated_at)) * p_limit_rate) >= 1
      THEN least(p_limit_capacity, r.tokens + extract(epoch FROM (clock_timestamp() - r.updated_at)) * p_limit_rate) - 1
      ELSE least(p_limit_capacity, r.tokens + extract(epoch FROM (clock_timestamp() - r.updated_at)) * p_limit_rate)
    END,
    allowed = least(p_limit_capacity, r.tokens + extract(epoch FROM (clock_timestamp() - r.updated_at)) * p_limit_rate) >= 1,
    updated_at = clock_timestamp()
  RETURNING r.tokens, r.allowed INTO v_tokens, v_allowed;
  IF NOT v_allowed THEN
    RETURN QUERY SELECT 'rate_limited'::text, NULL::integer, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz,
      greatest(1, ceil((1 - v_tokens) / p_limit_rate))::integer, NULL::text, NULL::bigint, NULL::json, v_closes_at, false, NULL::timestamptz, NULL::uuid, v_zone;
    RETURN;
  END IF;

  -- The reply window (lib/chat/window.ts): open until the appointment's time plus the doctor's
  -- window, or until the doctor's reopening if later. The automatic reply is due when the patient
  -- writes while the doctor is away and this room has not had it for this period (the TypeScript
  -- caller claims it, once, in a transaction of its own).
  SELECT a.status,
    greatest(a.starts_at + make_interval(hours => 24 * coalesce(dp.reply_window_days, 14)), c.reopened_until),
    coalesce(a.patient_id = p_sender AND dp.away_from <= clock_timestamp() AND clock_timestamp() < dp.away_until
      AND c.away_replied_for IS DISTINCT FROM dp.away_from, false),
    dp.away_from, a.doctor_id, coalesce(dp.time_zone, 'UTC')
  INTO v_status, v_closes_at, v_away_due, v_away_key, v_doctor, v_zone
  FROM chat_rooms c
  JOIN room_members m ON m.room_id = c.id AND m.user_id = p_sender
  JOIN appointments a ON a.id = c.appointment_id
  LEFT JOIN doctor_profiles dp ON dp.user_id = a.doctor_id
  WHERE c.id = p_room
  FOR UPDATE OF c;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::integer, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz,
      NULL::integer, NULL::text, NULL::bigint, NULL::json, v_closes_at, false, NULL::timestamptz, NULL::uuid, v_zone;
    RETURN;
  END IF;

  SELECT * INTO v_existing FROM messages x
  WHERE x.room_id = p_room AND x.sender_id = p_sender AND x.client_id = p_client;
  IF FOUND THEN
    RETURN QUERY SELECT CASE WHEN v_existing.body = p_body THEN 'existing' ELSE 'reused_id' END,
      v_existing.seq, v_existing.sender_id, v_existing.client_id, v_existing.body, v_existing.created_at,
      NULL::integer, NULL::text, NULL::bigint, carebridge_message_files(p_room, v_existing.seq), v_closes_at, false, NULL::timestamptz, NULL::uuid, v_zone;
    RETURN;
  END IF;
  IF NOT (v_status = ANY (p_open_statuses)) THEN
    RETURN QUERY SELECT 'closed'::text, NULL::integer, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz,
      NULL::integer, NULL::text, NULL::bigint, NULL::json, v_closes_at, false, NULL::timestamptz, NULL::uuid, v_zone;
    RETURN;
  END IF;
  IF v_closes_at <= clock_timestamp() THEN
    RETURN QUERY SELECT 'window_closed'::text, NULL::integer, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz,
      NULL::integer, NULL::text, NULL::bigint, NULL::json, v_closes_at, false, NULL::timestamptz, NULL::uuid, v_zone;
    RETURN;
  END IF;

  -- The sender's own unsent uploads in this room (lib/attachments), locked, all of them, within
  -- the message's size limit; they are given to the message below.
  IF cardinality(p_files) > 0 THEN
    SELECT count(*), coalesce(sum(f.size), 0) INTO v_files, v_files_bytes
    FROM (
      SELECT a.size FROM attachments a
      WHERE a.id = ANY (p_files) AND a.room_id = p_room AND a.uploader_id = p_sender AND a.message_seq IS NULL
      FOR UPDATE
    ) f;
    IF v_files <> cardinality(p_files) THEN
      RETURN QUERY SELECT 'files_missing'::text, NULL::integer, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz,
        NULL::integer, NULL::text, NULL::bigint, NULL::json, v_closes_at, false, NULL::timestamptz, NULL::uuid, v_zone;
      RETURN;
    END IF;
    IF v_files_bytes > p_files_max_bytes THEN
      RETURN QUERY SELECT 'files_too_large'::text, NULL::integer, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz,
        NULL::integer, NULL::text, v_files_bytes, NULL::json, v_closes_at, false, NULL::timestamptz, NULL::uuid, v_zone;
      RETURN;
    END IF;
  END IF;

  -- Stamped with the clock now, under the lock, and never earlier than the room's last activity:
  -- times follow sequence order.
  UPDATE chat_rooms c
  SET last_seq = c.last_seq + 1, last_activity_at = greatest(c.last_activity_at, clock_timestamp())
  WHERE c.id = p_room
  RETURNING c.last_seq, c.last_activity_at INTO v_seq, v_at;

  INSERT INTO messages (room_id, seq, sender_id, client_id, body, created_at)
  VALUES (p_room, v_seq, p_sender, p_client, p_body, v_at);

  IF cardinality(p_files) > 0 THEN
    UPDATE attachments a SET message_seq = v_seq, position = array_position(p_files, a.id) - 1
    WHERE a.id = ANY (p_files);
  END IF;

  -- The sender has read their message, and all before it when their screen held everything
  -- (p_seen); otherwise their unread is recounted after their cursor. The other member has one more.
  WITH cursors AS (
    SELECT m.user_id,
      CASE WHEN p_seen IS NULL OR p_seen >= v_seq - 1 THEN v_seq ELSE greatest(m.last_read_seq, p_seen) END AS cursor
    FROM room_members m
    WHERE m.room_id = p_room AND m.user_id = p_sender
  )
  UPDATE room_members m SET
    last_read_seq = CASE WHEN m.user_id = p_sender THEN k.cursor ELSE m.last_read_seq END,
    unread_count = CASE
      WHEN m.user_id = p_sender THEN (
        SELECT count(*)::integer FROM messages x
        WHERE x.room_id = p_room AND x.seq > k.cursor AND x.sender_id <> p_sender)
      ELSE m.unread_count + 1
    END,
    last_incoming_at = CASE WHEN m.user_id = p_sender THEN m.last_incoming_at ELSE v_at END,
    last_activity_at = v_at
  FROM cursors k
  WHERE m.room_id = p_room;

  SELECT array_agg(m.user_id ORDER BY m.user_id) INTO v_members FROM room_members m WHERE m.room_id = p_room;

  -- The recipient's email if the message stays unread: pg-boss's own insert, for each recipient.
  IF p_job_sql IS NOT NULL THEN
    FOREACH v_member IN ARRAY v_members LOOP
      IF v_member <> p_sender THEN
        EXECUTE p_job_sql USING replace(p_job_json, p_job_placeholder, v_member::text);
      END IF;
    END LOOP;
  END IF;

  -- Each member's unread total rides with the event (each stream passes on only its own user's),
  -- so that a receiver's badge needs no request.
  PERFORM pg_notify(p_channel, json_build_object(
    'to', to_json(v_members),
    'event', json_build_object('type', 'message', 'roomId', p_room, 'seq', v_seq, 'from', p_sender),
    'unread', (
      SELECT json_object_agg(u, (SELECT coalesce(sum(t.unread_count), 0) FROM room_members t WHERE t.user_id = u))
      FROM unnest(v_members) AS u
    )
  )::text);

  RETURN QUERY SELECT 'created'::text, v_seq, p_sender, p_client, p_body, v_at, NULL::integer, array_to_string(v_members, ','), NULL::bigint,
    CASE WHEN cardinality(p_files) > 0 THEN carebridge_message_files(p_room, v_seq) ELSE '[]'::json END, v_closes_at, v_away_due, v_away_key, v_doctor, v_zone;
END;
$$;
