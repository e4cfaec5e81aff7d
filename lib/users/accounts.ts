import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { endAllSessions, sessionsChanged } from "@/lib/auth/sessions";
import { DomainError, notFoundError } from "@/lib/errors";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";

export type PublicUser = Pick<User, "id" | "email" | "name" | "role" | "active" | "mustChangePassword">;

export const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  active: users.active,
  mustChangePassword: users.mustChangePassword,
};

export async function findUserById(id: string): Promise<PublicUser | null> {
  const [row] = await getDb().select(publicColumns).from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

const byEmail = (email: string) => eq(sql`lower(${users.email})`, email.toLowerCase());

export async function findUserByEmail(email: string): Promise<PublicUser | null> {
  const [row] = await getDb().select(publicColumns).from(users).where(byEmail(email)).limit(1);
  return row ?? null;
}

/**
 * The active user with this email and password, or null. A wrong password, an unknown email and a
 * deactivated account take the same time and give the same answer.
 */
export async function verifyCredentials(input: { email: string; password: string }): Promise<PublicUser | null> {
  const [row] = await getDb()
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(byEmail(input.email))
    .limit(1);
  const ok = row ? await verifyPassword(row.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!row || !ok || !row.active) {
    await recordAudit({
      actorId: row?.id ?? null,
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: row?.id,
      detail: { reason: !row ? "unknown_email" : !ok ? "wrong_password" : "inactive" },
    });
    return null;
  }
  const { passwordHash: _omit, ...user } = row;
  await recordAudit({ actorId: user.id, action: "auth.sign_in", targetType: "user", targetId: user.id });
  return user;
}

/** Replaces the password after checking the current one; clears the "must change" mark. */
export async function changePassword(input: {
  userId: string;
  currentPassword: string;
  newPassword: string;
}): Promise<void> {
  const [row] = await getDb()
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, input.userId))
    .limit(1);
  if (!row) throw notFoundError("That account");
  if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw new DomainError("invalid", "Your current password is not correct.", {
      currentPassword: ["Your current password is not correct."],
    });
  }
  if (input.currentPassword === input.newPassword) {
    throw new DomainError("invalid", "Choose a password different from the current one.", {
      newPassword: ["Choose a password different from the current one."],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await getDb().transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, input.userId));
    // Every session signed in with the old password ends (the caller signs this one in again).
    await endAllSessions(input.userId, tx);
    await recordAudit(
      { actorId: input.userId, action: "user.password_changed", targetType: "user", targetId: input.userId },
      tx,
    );
  });
  sessionsChanged(input.userId);
}
