DROP INDEX "audit_events_created_idx";--> statement-breakpoint
DROP INDEX "audit_events_actor_created_idx";--> statement-breakpoint
DROP INDEX "audit_events_action_created_idx";--> statement-breakpoint
CREATE INDEX "appointments_doctor_start_idx" ON "appointments" USING btree ("doctor_id","starts_at");--> statement-breakpoint
CREATE INDEX "appointments_start_idx" ON "appointments" USING btree ("starts_at","id");--> statement-breakpoint
CREATE INDEX "chat_rooms_last_activity_idx" ON "chat_rooms" USING btree ("last_activity_at","id");--> statement-breakpoint
CREATE INDEX "users_created_idx" ON "users" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_created_idx" ON "audit_events" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_created_idx" ON "audit_events" USING btree ("actor_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_action_created_idx" ON "audit_events" USING btree ("action","created_at");