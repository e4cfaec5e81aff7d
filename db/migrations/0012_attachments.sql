CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"room_id" uuid NOT NULL,
	"uploader_id" uuid NOT NULL,
	"message_seq" integer,
	"position" smallint DEFAULT 0 NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" bigint NOT NULL,
	"width" integer,
	"height" integer,
	"blob_key" uuid NOT NULL,
	"thumbnail_key" uuid,
	"thumbnail_width" integer,
	"thumbnail_height" integer,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attachments_kind" CHECK ("attachments"."kind" in ('image', 'document')),
	CONSTRAINT "attachments_size" CHECK ("attachments"."size" >= 0)
);
--> statement-breakpoint
CREATE TABLE "file_blobs" (
	"key" uuid PRIMARY KEY NOT NULL,
	"size" bigint DEFAULT 0 NOT NULL,
	"complete" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "file_chunks" (
	"key" uuid NOT NULL,
	"n" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "file_chunks_key_n_pk" PRIMARY KEY("key","n")
);
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_body_length";--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_room_id_chat_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."chat_rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploader_id_users_id_fk" FOREIGN KEY ("uploader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_chunks" ADD CONSTRAINT "file_chunks_key_file_blobs_key_fk" FOREIGN KEY ("key") REFERENCES "public"."file_blobs"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_message_idx" ON "attachments" USING btree ("room_id","message_seq","position");--> statement-breakpoint
CREATE INDEX "attachments_uploader_idx" ON "attachments" USING btree ("uploader_id");--> statement-breakpoint
CREATE INDEX "attachments_unsent_idx" ON "attachments" USING btree ("created_at") WHERE "attachments"."message_seq" is null;--> statement-breakpoint
CREATE INDEX "file_blobs_incomplete_idx" ON "file_blobs" USING btree ("created_at") WHERE not "file_blobs"."complete";--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_body_length" CHECK (char_length("messages"."body") between 0 and 2000);
--> statement-breakpoint
-- A message's files as lib/attachments/views.ts attachmentColumns names them, in order (metadata only).
CREATE OR REPLACE FUNCTION carebridge_message_files(p_room uuid, p_seq integer) RETURNS json
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(json_agg(json_build_object(
    'id', a.id, 'kind', a.kind, 'name', a.name, 'mediaType', a.media_type, 'size', a.size,
    'width', a.width, 'height', a.height, 'thumbnailWidth', a.thumbnail_width,
    'thumbnailHeight', a.thumbnail_height, 'note', a.note) ORDER BY a.position), '[]'::json)
  FROM attachments a
  WHERE a.room_id = p_room AND a.message_seq = p_seq
$$;
