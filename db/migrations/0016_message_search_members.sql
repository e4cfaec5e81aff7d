-- Message search keyed by who may find a message (lib/chat/search.ts): each message carries its
-- room's two members (members never change once a room exists), and the full-text indexes hold them
-- beside the words, so "my messages with these words" is one GIN scan however common the words are.
ALTER TABLE "messages" ADD COLUMN "member_ids" uuid[];--> statement-breakpoint
UPDATE "messages" m SET "member_ids" = r.ids
  FROM (SELECT room_id, array_agg(user_id ORDER BY user_id) AS ids FROM room_members GROUP BY room_id) r
 WHERE r.room_id = m.room_id;--> statement-breakpoint
CREATE FUNCTION carebridge_message_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.member_ids IS NULL THEN
    NEW.member_ids := ARRAY(SELECT user_id FROM room_members WHERE room_id = NEW.room_id ORDER BY user_id);
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER messages_member_ids BEFORE INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION carebridge_message_members();--> statement-breakpoint
DROP INDEX "messages_body_simple_search_idx";--> statement-breakpoint
DROP INDEX "messages_body_english_search_idx";--> statement-breakpoint
CREATE INDEX "messages_member_simple_search_idx" ON "messages" USING gin ("member_ids",to_tsvector('simple', "body"));--> statement-breakpoint
CREATE INDEX "messages_member_english_search_idx" ON "messages" USING gin ("member_ids",to_tsvector('english', "body"));
