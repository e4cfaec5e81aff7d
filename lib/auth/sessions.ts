import "server-only";
import { eq, exists, lt, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { preparedQuery } from "@/db/prepared-statements";
import { revokedSessions, users } from "@/db/schema";
import { SESSION_MAX_AGE_SECONDS } from "./config";
import { publicColumns, type PublicUser } from "@/lib/users/accounts";

/**
 * Ends one signed-in session for good: its cookie is refused from now on, even if a request that
 * was in flight at sign-out sets it again. Old revocations are dropped once the session would have
 * expired anyway.
 */
export async function revokeSession(input: { sessionId: string; userId: string }): Promise<void> {
  const db = getDb();
  await db
    .insert(revokedSessions)
    .values({
      sessionId: input.sessionId,
      userId: input.userId,
      expiresAt: sql`now() + make_interval(secs => ${SESSION_MAX_AGE_SECONDS})`,
    })
    .onConflictDoNothing();
  await db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, sql`now()`));
}

const sessionUserQuery = preparedQuery((db) =>
  db
    .select({
      ...publicColumns,
      revoked: exists(
        db
          .select({ one: sql`1` })
          .from(revokedSessions)
          .where(eq(revokedSessions.sessionId, sql.placeholder("sessionId"))),
      ),
    })
    .from(users)
    .where(eq(users.id, sql.placeholder("userId")))
    .limit(1)
    .prepare("session_user"),
);

/**
 * The account behind a session cookie and whether that session was signed out: one query, run on
 * every request (a round trip fewer than asking each apart).
 */
export async function findSessionUser(
  userId: string,
  sessionId: string,
): Promise<{ user: PublicUser | null; revoked: boolean }> {
  const [row] = await sessionUserQuery().execute({ userId, sessionId });
  if (!row) return { user: null, revoked: false };
  const { revoked, ...user } = row;
  return { user, revoked: Boolean(revoked) };
}
