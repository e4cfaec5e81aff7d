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
ALTER TABLE "reschedule_proposals" ADD CONSTRAINT "reschedule_proposals_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reschedule_proposals" ADD CONSTRAINT "reschedule_proposals_proposer_id_users_id_fk" FOREIGN KEY ("proposer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reschedule_proposals_one_pending_key" ON "reschedule_proposals" USING btree ("appointment_id") WHERE "reschedule_proposals"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "reschedule_proposals_appointment_idx" ON "reschedule_proposals" USING btree ("appointment_id","created_at");