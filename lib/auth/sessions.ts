import "server-only";
import { and, count, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { preparedQuery } from "@/db/prepared-statements";
import { userSessions, users } from "@/db/schema";
import { publicColumns, type PublicUser } from "@/lib/users/accounts";
import { SESSION_MAX_AGE_SECONDS } from "./config";

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
}

/** Ends every session the account has now (password changed or reset, deactivated or reactivated, an admin's call). */
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

/** The SQL condition that a session row makes its cookie valid for this account row. */
const validSession = (sessionId: unknown) => sql`exists (
  select 1 from ${userSessions}
   where ${userSessions.id} = ${sessionId}
     and ${userSessions.userId} = ${users.id}
     and ${userSessions.revokedAt} is null
     and ${userSessions.expiresAt} > now()
     and ${userSessions.version} = ${users.sessionVersion})`;

const sessionUserQuery = preparedQuery((db) =>
  db
    .select({ ...publicColumns, valid: sql<boolean>`${validSession(sql`${sql.placeholder("sessionId")}::uuid`)}` })
    .from(users)
    .where(eq(users.id, sql.placeholder("userId")))
    .limit(1)
    .prepare("session_user"),
);

/**
 * The account behind a session cookie and whether that session still holds: one query, run on
 * every request (a round trip fewer than asking each apart).
 */
export async function findSessionUser(
  userId: string,
  sessionId: string,
): Promise<{ user: PublicUser | null; revoked: boolean }> {
  const [row] = await sessionUserQuery().execute({ userId, sessionId });
  if (!row) return { user: null, revoked: false };
  const { valid, ...user } = row;
  return { user, revoked: !valid };
}

/** Whether a cookie may be renewed: its session is valid and its account active (the proxy asks on each page). */
export async function sessionMayContinue(userId: string, sessionId: string): Promise<boolean> {
  const { user, revoked } = await findSessionUser(userId, sessionId);
  return Boolean(user?.active) && !revoked;
}
