import "server-only";
import { and, eq, lt, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { revokedSessions } from "@/db/schema";
import { SESSION_MAX_AGE_SECONDS } from "./auth.config";

/**
 * Ends one signed-in session for good: its cookie is refused from now on, even if a request that
 * was in flight at sign-out sets it again. Old revocations are dropped once the session would have
 * expired anyway.
 */
export async function revokeSession(input: { sessionId: string; userId: string }): Promise<void> {
  const db = getDb();
  await db
    .insert(revokedSessions)
    .values({ sessionId: input.sessionId, userId: input.userId, expiresAt: sql`now() + make_interval(secs => ${SESSION_MAX_AGE_SECONDS})` })
    .onConflictDoNothing();
  await db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, sql`now()`));
}

export async function isRevoked(sessionId: string): Promise<boolean> {
  const [row] = await getDb()
    .select({ id: revokedSessions.sessionId })
    .from(revokedSessions)
    .where(and(eq(revokedSessions.sessionId, sessionId)))
    .limit(1);
  return Boolean(row);
}
