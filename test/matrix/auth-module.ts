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
  return {
    sessionFromCookie: async () =>
      request.session ? { userId: request.session.user.id, sessionId: request.session.sessionId } : null,
    async signIn(_provider: string, credentials: Record<string, unknown>) {
      const parsed = loginSchema.safeParse(credentials);
      const user = parsed.success
        ? await attemptSignIn({ ...parsed.data, address: clientAddress(await headersModule.headers()) })
        : null;
      if (!user) throw new FakeCredentialsSignin();
      request.session = { user: { id: user.id }, sessionId: crypto.randomUUID() };
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
