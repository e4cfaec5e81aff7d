ALTER TABLE "room_members" ADD COLUMN "unread_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "room_members" ADD COLUMN "last_activity_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "room_members" ADD COLUMN "last_incoming_at" timestamp with time zone;--> statement-breakpoint
-- Backfill, before the indexes are built: the same definitions lib/chat keeps on write.
UPDATE "room_members" AS "rm" SET
  "last_activity_at" = "c"."last_activity_at",
  "unread_count" = (SELECT count(*) FROM "messages" AS "m" WHERE "m"."room_id" = "rm"."room_id" AND "m"."seq" > "rm"."last_read_seq" AND "m"."sender_id" <> "rm"."user_id"),
  "last_incoming_at" = (SELECT "m"."created_at" FROM "messages" AS "m" WHERE "m"."room_id" = "rm"."room_id" AND "m"."sender_id" <> "rm"."user_id" ORDER BY "m"."seq" DESC LIMIT 1)
FROM "chat_rooms" AS "c"
WHERE "c"."id" = "rm"."room_id";--> statement-breakpoint
CREATE INDEX "room_members_user_activity_idx" ON "room_members" USING btree ("user_id","last_activity_at","room_id");--> statement-breakpoint
CREATE INDEX "room_members_user_incoming_idx" ON "room_members" USING btree ("user_id","last_incoming_at");--> statement-breakpoint
ALTER TABLE "room_members" ADD CONSTRAINT "room_members_unread_count" CHECK ("room_members"."unread_count" >= 0);