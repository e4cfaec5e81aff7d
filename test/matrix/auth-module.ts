import { startSession } from "@/lib/auth/sessions";
import { clientAddress } from "@/lib/http/client-address";
import { attemptSignIn } from "@/lib/auth/credentials";
import { loginSchema } from "@/lib/schemas/auth";
import { FakeCredentialsSignin, headersModule, request } from "./request";

/**
 * lib/auth as the app sees it, over the fake request: sessionFromCookie() answers the chosen session, and
 * signIn checks credentials as lib/auth's Credentials provider does (same schema, same
 * attemptSignIn with its rate limits), so sign-in actions run their real paths. Auth.js itself
 * does not load under Vitest (its ESM imports `next/server` without an extension).
 */
export function fakeAuthModule() {
  async function sessionFromCookie() {
    if (!request.session) return null;
    // A session made by signInAs() (no real sign-in) gets its row the first time it is presented.
    if (request.session.sessionId) await ensureSessionRow(request.session.user.id, request.session.sessionId);
    return { userId: request.session.user.id, sessionId: request.session.sessionId };
  }
  return {
    sessionFromCookie,
    // The fake request carries its session beside it, not in a cookie: the same for both doors.
    sessionFromRequest: () => sessionFromCookie(),
    async signIn(_provider: string, credentials: Record<string, unknown>) {
      const parsed = loginSchema.safeParse(credentials);
      const user = parsed.success
        ? await attemptSignIn({ ...parsed.data, address: clientAddress(await headersModule.headers()) })
        : null;
      if (!user) throw new FakeCredentialsSignin();
      request.session = { user: { id: user.id }, sessionId: crypto.randomUUID() };
      await startSession({ userId: user.id, sessionId: request.session.sessionId });
    },
    async signOut() {
      request.signOuts++;
      request.session = null;
    },
    handlers: {
      GET: () => {
        throw new Error("Auth.js's own endpoints are not run under Vitest");
      },
      POST: () => {
        throw new Error("Auth.js's own endpoints are not run under Vitest");
      },
    },
  };
}

const known = new Set<string>();
async function ensureSessionRow(userId: string, sessionId: string): Promise<void> {
  if (known.has(sessionId)) return;
  known.add(sessionId);
  await startSession({ userId, sessionId });
}
