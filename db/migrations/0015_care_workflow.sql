CREATE TABLE "drafts" (
	"room_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"body" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "drafts_room_id_user_id_pk" PRIMARY KEY("room_id","user_id"),
	CONSTRAINT "drafts_body_length" CHECK (char_length("drafts"."body") between 1 and 2000)
);
--> statement-breakpoint
CREATE TABLE "reschedule_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"appointment_id" uuid NOT NULL,
	"proposer_id" uuid NOT NULL,
	"from_starts_at" timestamp with time zone NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "reschedule_proposals_status_check" CHECK ("reschedule_proposals"."status" in ('pending', 'accepted', 'declined', 'withdrawn')),
	CONSTRAINT "reschedule_proposals_moves" CHECK ("reschedule_proposals"."starts_at" <> "reschedule_proposals"."from_starts_at")
);
--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_member_fk" FOREIGN KEY ("room_id","user_id") REFERENCES "public"."room_members"("room_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reschedule_proposals" ADD CONSTRAINT "reschedule_proposals_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reschedule_proposals" ADD CONSTRAINT "reschedule_proposals_proposer_id_users_id_fk" FOREIGN KEY ("proposer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "drafts_user_idx" ON "drafts" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reschedule_proposals_one_pending_key" ON "reschedule_proposals" USING btree ("appointment_id") WHERE "reschedule_proposals"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "reschedule_proposals_appointment_idx" ON "reschedule_proposals" USING btree ("appointment_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_body_simple_search_idx" ON "messages" USING gin (to_tsvector('simple', "body"));--> statement-breakpoint
CREATE INDEX "messages_body_english_search_idx" ON "messages" USING gin (to_tsvector('english', "body"));--> statement-breakpoint
-- Sending clears the sender's draft of that room, inside the send's own statement (the send stays
-- one statement: carebridge_send_message's insert fires this).
CREATE FUNCTION carebridge_clear_draft() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM drafts WHERE room_id = NEW.room_id AND user_id = NEW.sender_id;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER messages_clear_draft AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.kind = 'message') EXECUTE FUNCTION carebridge_clear_draft();
