import type { NextAuthConfig } from "next-auth";
import { ROLES, type Role } from "@/db/schema";
import { isProtectedPath } from "./roles";

const isRole = (value: unknown): value is Role => typeof value === "string" && (ROLES as readonly string[]).includes(value);

/** The part of the Auth.js config that needs no database: shared by the proxy and lib/auth. */
export const authConfig = {
  trustHost: true,
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: 60 * 60 * 12 },
  providers: [],
  callbacks: {
    // The proxy only redirects signed-out visitors; lib/authz guards every page, action and handler.
    authorized({ auth, request: { nextUrl } }) {
      if (!isProtectedPath(nextUrl.pathname) || auth?.user) return true;
      const login = new URL("/login", nextUrl);
      login.searchParams.set("callbackUrl", nextUrl.pathname + nextUrl.search);
      return Response.redirect(login);
    },
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        if (isRole(user.role)) token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (isRole(token.role)) session.user.role = token.role;
      return session;
    },
  },
} satisfies NextAuthConfig;
