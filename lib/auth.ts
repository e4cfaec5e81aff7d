import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authConfig } from "./auth.config";
import { authSecret } from "./env";
import { clientAddress } from "./client-address";
import { attemptSignIn } from "./sign-in";
import { loginSchema } from "./validation";

// Lazy, so that nothing reads the environment or the data folder at build time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: authSecret(),
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
