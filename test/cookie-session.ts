import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import { startSession } from "@/lib/auth/sessions";

/**
 * lib/auth/auth-js as the doors answered before Next (scripts/next-server.mjs) use it: the session
 * from the request's own cookie. Auth.js itself does not load under Vitest (test/matrix/auth-module.ts).
 * Use: `vi.mock("@/lib/auth/auth-js", () => cookieAuthModule())`.
 */
export async function cookieAuthModule() {
  return {
    sessionFromCookie: async () => null,
    sessionFromRequest: (await import("@/lib/auth/session-cookie")).sessionFromHeaders,
  };
}

/** A signed-in account: its session row and the cookie Auth.js would have set for it. */
export async function signedInAccount(
  db: Database,
  secret: string,
  role: "patient" | "doctor" | "admin",
  options: { secure?: boolean } = {},
): Promise<{ userId: string; sessionId: string; cookie: string }> {
  const [user] = await db
    .insert(users)
    .values({ name: `A ${role}`, email: `${role}-${crypto.randomUUID()}@example.test`, passwordHash: "x", role })
    .returning({ id: users.id });
  const sessionId = crypto.randomUUID();
  await startSession({ sessionId, userId: user!.id });
  const name = `${options.secure ? "__Secure-" : ""}authjs.session-token`;
  const token = await encode({ token: { sub: user!.id, role, sid: sessionId }, secret, salt: name });
  return { userId: user!.id, sessionId, cookie: `${name}=${token}` };
}
