import "server-only";
import { decode } from "next-auth/jwt";
import { LRUCache } from "lru-cache";
import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";
import { authSecret } from "@/lib/env";

export interface SessionClaims {
  userId: string;
  sessionId: string | null;
}

/** A request's cookies: what next/headers' `cookies()` and NextRequest's `cookies` both are. */
export interface CookieJar {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

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

/** The same, from a request's own headers (its Cookie header), for a request Next does not handle. */
export function sessionFromHeaders(requestHeaders: Headers): Promise<SessionClaims | null> {
  return sessionFromJar(new RequestCookies(requestHeaders), requestHeaders);
}

/**
 * The signed-in user's id and this sign-in's id, read from the session cookie: what `auth()`
 * answers, without its other work. `auth()` also encrypts a renewed token for a cookie that a page
 * or route handler never sends back (Auth.js drops it), which cost a JSON endpoint most of its time
 * (bench/README.md). The proxy still renews the cookie on every document.
 */
export async function sessionFromJar(jar: CookieJar, requestHeaders: Headers): Promise<SessionClaims | null> {
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
const decodedTokens = new LRUCache<string, SessionClaims>({ max: 10_000 });
