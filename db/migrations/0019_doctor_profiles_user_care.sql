-- The conversation list reads its rooms' doctor once per row (reply window, specialty): from this
-- index alone PostgreSQL takes the index; by the primary key it read the whole small table for each room.
CREATE INDEX "doctor_profiles_user_care_idx" ON "doctor_profiles" USING btree ("user_id","reply_window_days","specialty");