import type { NextAuthConfig } from "next-auth";
import { ROLES, type Role } from "@/lib/shared/model";
import { isProtectedPath } from "./roles";

const isRole = (value: unknown): value is Role =>
  typeof value === "string" && (ROLES as readonly string[]).includes(value);

/** A session cookie's lifetime; idle sign-out (SESSION_IDLE_MINUTES) usually ends it sooner. */
export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 12;

/** Set for a few minutes by the proxy when it found a session cookie whose session had ended. */
export const SESSION_ENDED_COOKIE = "carebridge-session-ended";

/** The part of the Auth.js config that needs no database: shared by the proxy and lib/auth. */
export const authConfig = {
  trustHost: true,
  // Auth.js's own error page would be an HTML document under /api, which gets no document CSP.
  pages: { signIn: "/login", error: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // Pinned rather than left to defaults: scripts never read the session cookie, and cross-site
  // POSTs never carry it. `secure` stays Auth.js's choice per request: Secure and __Secure- prefixed
  // when the request came over https (directly, via X-Forwarded-Proto, or AUTH_URL=https://…); not
  // on plain http://localhost (npm start), where a Secure cookie would not come back and sign-in would fail.
  cookies: { sessionToken: { options: { httpOnly: true, sameSite: "lax", path: "/" } } },
  providers: [],
  callbacks: {
    // The proxy only redirects signed-out visitors; lib/authz guards every page, action and handler.
    authorized({ auth, request }) {
      const { nextUrl } = request;
      if (!isProtectedPath(nextUrl.pathname) || auth?.user) return true;
      const login = new URL("/login", nextUrl);
      // A session cookie came but holds no session (signed out elsewhere, deactivated, ended by a
      // password change, expired): the sign-in page says so.
      const cookies = request.cookies.getAll().map((c) => c.name);
      if (cookies.some((name) => name.includes("authjs.session-token") || name === SESSION_ENDED_COOKIE))
        login.searchParams.set("ended", "1");
      login.searchParams.set("callbackUrl", nextUrl.pathname + nextUrl.search);
      return Response.redirect(login);
    },
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        if (isRole(user.role)) token.role = user.role;
        // Each sign-in gets its own id, so that signing out can revoke exactly this session.
        token.sid = crypto.randomUUID();
        return token;
      }
      // Renewing the cookie (the proxy does on every page): a session that was signed out, ended
      // with all of its account's or has reached its end is not renewed; Auth.js then clears it.
      if (typeof token.sub !== "string" || typeof token.sid !== "string") return null;
      const { sessionMayContinue } = await import("./sessions");
      try {
        return (await sessionMayContinue(token.sub, token.sid)) ? token : null;
      } catch {
        // The database is unreachable: keep the cookie rather than sign the person out. The page's
        // own gate asks the database again and answers "unavailable" (503) until it is back.
        return token;
      }
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (isRole(token.role)) session.user.role = token.role;
      if (typeof token.sid === "string") session.sessionId = token.sid;
      return session;
    },
  },
} satisfies NextAuthConfig;
