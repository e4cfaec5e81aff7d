import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth.config";
import { authSecret } from "@/lib/env";

// Redirects signed-out visitors of protected areas to /login; it guards nothing by itself.
const { auth } = NextAuth(() => ({ ...authConfig, secret: authSecret() }));
export default auth;

export const config = {
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
