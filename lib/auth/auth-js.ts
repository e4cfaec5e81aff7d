import "server-only";
import NextAuth from "next-auth";
import { cookies, headers } from "next/headers";
import Credentials from "next-auth/providers/credentials";
import { authConfig } from "./config";
import { authSecret } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { attemptSignIn } from "./credentials";
import { sessionFromHeaders, sessionFromJar, type SessionClaims } from "./session-cookie";
import { startSession } from "./sessions";
import { loginSchema } from "@/lib/schemas/auth";

// Lazy, so that nothing reads the environment or the data folder at build time.
export const { handlers, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: authSecret(),
  callbacks: {
    ...authConfig.callbacks,
    // A new sign-in's session is recorded as its cookie is made: the row is what makes it valid.
    async jwt(params) {
      const token = await authConfig.callbacks.jwt(params);
      if (params.user?.id && token && typeof token.sid === "string")
        await startSession({ sessionId: token.sid, userId: params.user.id });
      return token;
    },
  },
  // A refused sign-in is an answer, not an error: Auth.js would print its stack for each one.
  logger: {
    error(error) {
      // Auth.js's own kind ("CredentialsSignin"), not the class name: a production build minifies
      // it (every refused sign-in was printed as "[auth] j").
      const kind = (error as { type?: string }).type ?? error.name;
      if (kind === "CredentialsSignin") return;
      const cause = (error.cause as { err?: unknown } | undefined)?.err;
      console.error(`[auth] ${kind}${cause instanceof Error ? `: ${cause.message}` : ""}`);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const parsed = loginSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const user = await attemptSignIn({ ...parsed.data, address: clientAddress(request.headers) });
        return user ? { id: user.id, name: user.name, email: user.email, role: user.role } : null;
      },
    }),
  ],
}));

/** What `auth()` answers, without its other work: see lib/auth/session-cookie.ts. */
export async function sessionFromCookie(): Promise<SessionClaims | null> {
  const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
  return sessionFromJar(jar, requestHeaders);
}

/** The same from a request's headers (the gate's admitRequest): no Next request context needed. */
export const sessionFromRequest = sessionFromHeaders;
