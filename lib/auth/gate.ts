import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/lib/shared/model";
import type { PublicUser } from "@/lib/users/accounts";
import { sessionFromCookie, sessionFromRequest } from "./auth-js";
import type { SessionClaims } from "./session-cookie";
import { lookupSession } from "./sessions";

/**
 * The one gate: who is signed in, whether their role may use this door, and whether a temporary
 * password must be changed first. Pages, server actions and route handlers all ask it, and each
 * door only turns its answer into what that door speaks (a redirect, an action result, a status):
 * see `REFUSALS` and lib/http/failure.ts.
 */

export interface GateRule {
  /** The roles this door serves; left out, any signed-in account. */
  roles?: readonly Role[];
  /** The change-password page itself, and signing out, serve an account with a temporary password. */
  allowTemporaryPassword?: boolean;
}

export type Refusal = "no-session" | "session-ended" | "wrong-role" | "temporary-password";

export type GateAnswer = { ok: true; user: PublicUser; sessionId: string } | { ok: false; refusal: Refusal };

/**
 * What each refusal answers, in the words every door uses. Another role's door answers like a
 * missing item, so a URL tells nothing about what exists; a temporary password is answered the same
 * way by JSON doors, which no page of that account can reach before it is changed.
 */
export const REFUSALS: Record<Refusal, { status: number; message: string }> = {
  "no-session": { status: 401, message: "Your session has ended. Sign in again to continue." },
  "session-ended": { status: 401, message: "Your session has ended. Sign in again to continue." },
  "wrong-role": { status: 404, message: "That item was not found." },
  "temporary-password": { status: 404, message: "Change your temporary password first." },
};

/**
 * The signed-in user, as the database has it: read once per request, or kept from an earlier one
 * while the database has announced no change to the account or its sessions (lib/auth/session-cache.ts).
 * So a deactivated account, a changed role or a signed-out session takes effect at the next
 * request whatever the cookie says: on this instance at once, on others as soon as they hear it.
 */
const currentSession = cache(async () => sessionUser(await sessionFromCookie()));

async function sessionUser(
  session: SessionClaims | null,
): Promise<{ hadSession: boolean; user: PublicUser | null; sessionId: string | null }> {
  const id = session?.userId;
  if (!id) return { hadSession: false, user: null, sessionId: null };
  const sessionId = session.sessionId;
  // A cookie without a session id predates revocation and cannot be revoked: it is not accepted.
  if (!sessionId) return { hadSession: true, user: null, sessionId: null };
  const { user, revoked } = await lookupSession(id, sessionId);
  return { hadSession: true, user: user && user.active && !revoked ? user : null, sessionId };
}

function judge({ hadSession, user, sessionId }: Awaited<ReturnType<typeof sessionUser>>, rule: GateRule): GateAnswer {
  if (!user || !sessionId) return { ok: false, refusal: hadSession ? "session-ended" : "no-session" };
  if (rule.roles && !rule.roles.includes(user.role)) return { ok: false, refusal: "wrong-role" };
  if (user.mustChangePassword && !rule.allowTemporaryPassword) return { ok: false, refusal: "temporary-password" };
  return { ok: true, user, sessionId };
}

/** Asks the gate; never throws for a refusal (a database failure does throw). */
export async function admit(rule: GateRule = {}): Promise<GateAnswer> {
  return judge(await currentSession(), rule);
}

/**
 * The same gate from a request's own headers: for the route handlers that the server process also
 * answers itself, before Next (scripts/next-server.mjs: the live event stream, app/api/direct.ts).
 * `x-forwarded-proto` must be set as Next sets it (from the connection when a proxy did not),
 * since it names the session cookie.
 */
export async function admitRequest(requestHeaders: Headers, rule: GateRule = {}): Promise<GateAnswer> {
  return judge(await sessionUser(await sessionFromRequest(requestHeaders)), rule);
}

/** The signed-in user, for pages open to visitors too (sign-in, registration, landing); null otherwise. */
export async function getCurrentUser(): Promise<PublicUser | null> {
  return (await currentSession()).user;
}

// ---------------------------------------------------------------- pages

/** What a page does with a refusal: to the sign-in page, to the password change, or not-found. */
function refusePage(refusal: Refusal): never {
  switch (refusal) {
    case "no-session":
      redirect("/login");
    case "session-ended":
      redirect("/login?ended=1");
    case "temporary-password":
      redirect("/account/password");
    case "wrong-role":
      notFound();
  }
}

/** For pages and layouts: the admitted user, or the page's answer to the refusal. */
export async function requirePageUser(rule: GateRule = {}): Promise<PublicUser> {
  const answer = await admit(rule);
  if (!answer.ok) refusePage(answer.refusal);
  return answer.user;
}

/** For pages of these roles: anyone else gets not-found, a temporary password goes to be changed. */
export function requireRole(...roles: Role[]): Promise<PublicUser> {
  return requirePageUser({ roles });
}
