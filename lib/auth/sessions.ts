import "server-only";
import { and, count, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { preparedQuery } from "@/db/prepared-statements";
import { userSessions, users } from "@/db/schema";
import { publicColumns } from "@/lib/users/accounts";
import { SESSION_MAX_AGE_SECONDS } from "./config";
import type { SessionLookup } from "./session-cache";
import { forgetKeptSessions, sessionCache } from "./session-changes";

/**
 * Sessions: a JWT cookie names one row of user_sessions, which alone makes it valid. Signing out
 * revokes the row; ending all of an account's sessions bumps the account's session version; and a
 * row's end is fixed at sign-in (SESSION_MAX_AGE_SECONDS), however often the cookie is renewed. Rows
 * are kept until then, as long as any cookie of theirs could be presented.
 */

/** Records a new sign-in (called as Auth.js makes the cookie). Also drops rows whose end has passed. */
export async function startSession(input: { sessionId: string; userId: string }): Promise<void> {
  const db = getDb();
  await db.execute(sql`
    insert into user_sessions (id, user_id, version, expires_at)
    select ${input.sessionId}::uuid, u.id, u.session_version, now() + make_interval(secs => ${SESSION_MAX_AGE_SECONDS})
      from users u where u.id = ${input.userId}::uuid
    on conflict (id) do nothing`);
  await db.delete(userSessions).where(lt(userSessions.expiresAt, sql`now() - interval '1 day'`));
}

/** Ends one session for good: its cookie is refused from now on, even one a request in flight sets again. */
export async function revokeSession(input: { sessionId: string; userId: string }): Promise<void> {
  await getDb()
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(eq(userSessions.id, input.sessionId), eq(userSessions.userId, input.userId), isNull(userSessions.revokedAt)),
    );
  sessionsChanged(input.userId);
}

/**
 * After a committed change to an account or its sessions: this process forgets what it kept of
 * them now, without waiting to hear the database's announcement (which tells the other instances).
 */
export function sessionsChanged(userId: string): void {
  forgetKeptSessions(userId);
}

/**
 * Ends every session the account has now (password changed or reset, deactivated or reactivated, an
 * admin's call). Inside the caller's transaction: the caller calls `sessionsChanged` once it commits.
 */
export async function endAllSessions(userId: string, tx: Pick<Database, "update"> = getDb()): Promise<void> {
  await tx
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

/** The account's sessions that are valid now: not signed out, not past their end, of the current version. */
export async function activeSessionCount(userId: string): Promise<number> {
  const [row] = await getDb()
    .select({ n: count() })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.userId, userId),
        gt(userSessions.expiresAt, sql`now()`),
        isNull(userSessions.revokedAt),
        eq(userSessions.version, users.sessionVersion),
      ),
    );
  return row?.n ?? 0;
}

/**
 * When the session ends, if its row makes its cookie valid for this account row now: not signed
 * out, not past its end, of the account's current version; null otherwise.
 */
const validSessionEnd = (sessionId: unknown) => sql`(
  select ${userSessions.expiresAt} from ${userSessions}
   where ${userSessions.id} = ${sessionId}
     and ${userSessions.userId} = ${users.id}
     and ${userSessions.revokedAt} is null
     and ${userSessions.expiresAt} > now()
     and ${userSessions.version} = ${users.sessionVersion})`;

const sessionUserQuery = preparedQuery((db) =>
  db
    .select({
      ...publicColumns,
      // Nested in a template of its own: Drizzle writes the columns of a field's own template bare
      // in a select from one table, and a bare "user_id" in the subquery would be the session's own.
      endsAt: sql<Date | null>`${validSessionEnd(sql`${sql.placeholder("sessionId")}::uuid`)}`.mapWith(
        userSessions.expiresAt,
      ),
    })
    .from(users)
    .where(eq(users.id, sql.placeholder("userId")))
    .limit(1)
    .prepare("session_user"),
);

/**
 * The account behind a session cookie, whether that session still holds and until when: one
 * query (a round trip fewer than asking each apart), read from the database every time.
 */
export async function findSessionUser(userId: string, sessionId: string): Promise<SessionLookup> {
  const [row] = await sessionUserQuery().execute({ userId, sessionId });
  if (!row) return { user: null, revoked: false, endsAt: null };
  const { endsAt, ...user } = row;
  return { user, revoked: endsAt === null, endsAt };
}

/**
 * The session as every door asks for it: kept from an earlier request while the database has
 * announced no change to it (lib/auth/session-cache.ts), else read.
 */
export function lookupSession(userId: string, sessionId: string): Promise<SessionLookup> {
  return sessionCache().lookup(userId, sessionId, () => findSessionUser(userId, sessionId));
}

/** Whether a cookie may be renewed: its session is valid and its account active (the proxy asks on each page). */
export async function sessionMayContinue(userId: string, sessionId: string): Promise<boolean> {
  const { user, revoked } = await lookupSession(userId, sessionId);
  return Boolean(user?.active) && !revoked;
}
