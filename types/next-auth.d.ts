import type { DefaultSession } from "next-auth";
import type { Role } from "@/lib/shared/model";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role } & DefaultSession["user"];
    /** This sign-in's id: signing out revokes it (see lib/sessions.ts). */
    sessionId?: string;
  }
  interface User {
    role?: Role;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    role?: Role;
    sid?: string;
  }
}
