import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/db/schema";
import { sessionFromCookie } from "./auth-js";
import { findSessionUser } from "./sessions";
import type { PublicUser } from "@/lib/users/accounts";

/**
 * The signed-in user, re-read from the database once per request, so a deactivated account or a
 * changed role takes effect at the next request whatever the session cookie says.
 */
const currentSession = cache(
  async (): Promise<{ hadSession: boolean; user: PublicUser | null; sessionId: string | null }> => {
    const session = await sessionFromCookie();
    const id = session?.userId;
    if (!id) return { hadSession: false, user: null, sessionId: null };
    const sessionId = session.sessionId;
    // A cookie without a session id predates revocation and cannot be revoked: it is not accepted.
    if (!sessionId) return { hadSession: true, user: null, sessionId: null };
    const { user, revoked } = await findSessionUser(id, sessionId);
    return { hadSession: true, user: user && user.active && !revoked ? user : null, sessionId };
  },
);

/** The signed-in user and this sign-in's id (for signing out), or null. */
export async function getCurrentSession(): Promise<{ user: PublicUser; sessionId: string } | null> {
  const { user, sessionId } = await currentSession();
  return user && sessionId ? { user, sessionId } : null;
}

export async function getCurrentUser(): Promise<PublicUser | null> {
  return (await currentSession()).user;
}

/**
 * For pages: the user, or off to the sign-in page; a session whose account was deactivated (or
 * removed) is told it has ended.
 */
export async function requireUser(): Promise<PublicUser> {
  const { hadSession, user } = await currentSession();
  if (!user) redirect(hadSession ? "/login?ended=1" : "/login");
  return user;
}

/**
 * For pages: a user of this role; anyone else gets not-found, never the content. An account with
 * a temporary password is sent to change it first.
 */
export async function requireRole(...roles: Role[]): Promise<PublicUser> {
  const user = await requireUser();
  if (!roles.includes(user.role)) notFound();
  if (user.mustChangePassword) redirect("/account/password");
  return user;
}
