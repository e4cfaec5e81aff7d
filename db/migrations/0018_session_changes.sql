-- Every change that can end or alter a signed-in session is announced on one channel, with the
-- account's id: the app keeps each valid session's answer between requests and drops it at once
-- (lib/auth/session-cache.ts). Done here, not in the app, so every writer is heard: an admin's
-- action on another instance, a password reset, a script, a statement typed in psql.
CREATE FUNCTION carebridge_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('carebridge_sessions', OLD.id::text);
  ELSE
    PERFORM pg_notify('carebridge_sessions', OLD.user_id::text);
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
-- What a session's answer holds (lib/users/accounts.ts publicColumns) and what ends it.
CREATE TRIGGER users_session_changed
  AFTER UPDATE OF email, name, role, active, must_change_password, session_version OR DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION carebridge_session_changed();--> statement-breakpoint
CREATE TRIGGER user_sessions_changed
  AFTER UPDATE OF revoked_at, expires_at, version, user_id OR DELETE ON "user_sessions"
  FOR EACH ROW EXECUTE FUNCTION carebridge_session_changed();--> statement-breakpoint
-- "*": every account's.
CREATE FUNCTION carebridge_sessions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('carebridge_sessions', '*');
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER users_sessions_truncated
  AFTER TRUNCATE ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION carebridge_sessions_truncated();--> statement-breakpoint
CREATE TRIGGER user_sessions_truncated
  AFTER TRUNCATE ON "user_sessions"
  FOR EACH STATEMENT EXECUTE FUNCTION carebridge_sessions_truncated();
