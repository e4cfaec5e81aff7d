import "server-only";
import NextAuth from "next-auth";
import { decode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { LRUCache } from "lru-cache";
import Credentials from "next-auth/providers/credentials";
import { authConfig } from "./config";
import { authSecret } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { attemptSignIn } from "./credentials";
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
      if (error.name === "CredentialsSignin") return;
      console.error(`[auth] ${error.name}`);
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

const SESSION_COOKIE = "authjs.session-token";

/**
 * Whether Auth.js names this request's session cookie `__Secure-…`: as `auth()` decides it, from
 * AUTH_URL when set, else from X-Forwarded-Proto (which Next sets on every request).
 */
function usesSecureCookie(requestHeaders: Headers): boolean {
  const configured = process.env.AUTH_URL ?? process.env.NEXTAUTH_URL;
  if (configured) return new URL(configured).protocol === "https:";
  const protocol = requestHeaders.get("x-forwarded-proto") ?? "https";
  return (protocol.endsWith(":") ? protocol : `${protocol}:`) === "https:";
}

/**
 * The signed-in user's id and this sign-in's id, read from the session cookie: what `auth()`
 * answers, without its other work. `auth()` also encrypts a renewed token for a cookie that a page
 * or route handler never sends back (Auth.js drops it), which cost a JSON endpoint most of its time
 * (bench/README.md). The proxy still renews the cookie on every document.
 */
export async function sessionFromCookie(): Promise<{ userId: string; sessionId: string | null } | null> {
  const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
  const name = `${usesSecureCookie(requestHeaders) ? "__Secure-" : ""}${SESSION_COOKIE}`;
  // Auth.js splits a token over 4 kB into name.0, name.1, …; ours are far smaller, but read both.
  const value =
    jar.get(name)?.value ??
    jar
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)))
      .map((c) => c.value)
      .join("");
  if (!value) return null;
  const key = `${name}=${value}`;
  const known = decodedTokens.get(key);
  if (known) return known;
  const token = await decode({ token: value, secret: authSecret(), salt: name }).catch(() => null);
  if (!token || typeof token.sub !== "string" || typeof token.exp !== "number") return null;
  const claims = { userId: token.sub, sessionId: typeof token.sid === "string" ? token.sid : null };
  const ttl = token.exp * 1000 - Date.now();
  if (ttl > 0) decodedTokens.set(key, claims, { ttl });
  return claims;
}

/**
 * Tokens already decrypted, until their own expiry: a browser sends the same cookie with every
 * request, and decrypting it (key derivation, AES, HMAC through WebCrypto) was the largest cost of
 * a JSON endpoint after auth() itself. Only tokens that decrypted are kept; whether the session
 * was signed out, and the account, are still read from the database on every request.
 */
const decodedTokens = new LRUCache<string, { userId: string; sessionId: string | null }>({ max: 10_000 });
