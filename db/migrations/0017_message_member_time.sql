-- A person's messages newest first, one index per place in member_ids (migration 0016): message search
-- reads the newest of them first when every word typed is common (lib/chat/search.ts).
CREATE INDEX "messages_first_member_time_idx" ON "messages" USING btree (("member_ids"[1]),"created_at");--> statement-breakpoint
CREATE INDEX "messages_second_member_time_idx" ON "messages" USING btree (("member_ids"[2]),"created_at");