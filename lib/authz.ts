import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/db/schema";
import { auth } from "./auth";
import { findUserById, type PublicUser } from "./users";

/**
 * The signed-in user, re-read from the database once per request, so a deactivated account or a
 * changed role takes effect at the next request whatever the session cookie says.
 */
export const getCurrentUser = cache(async (): Promise<PublicUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await findUserById(id);
  return user && user.active ? user : null;
});

/** For pages: the user, or off to the sign-in page. */
export async function requireUser(): Promise<PublicUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
}

/**
 * For pages: a user of this role; anyone else gets not-found, never the content. An account with
 * a temporary password is sent to change it first.
 */
export async function requireRole(...roles: Role[]): Promise<PublicUser> {
  const user = await requireUser();
  if (!roles.includes(user.role)) notFound();
  if (user.mustChangePassword) redirect("/account/password");
  return user;
}
