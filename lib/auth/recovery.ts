import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { DomainError } from "@/lib/errors";
import { enqueue, jobQueue, QUEUES } from "@/lib/jobs/queue";
import { enforce, RATE_LIMITS } from "@/lib/rate-limit";
import { consumeToken } from "./account-tokens";
import type { AccountEmailJob } from "./account-emails";
import { hashPassword } from "./password";
import { endAllSessions, sessionsChanged } from "./sessions";

/**
 * Getting back into an account, and proving an address, without ever saying whether an address has
 * an account: every request answers the same, after the same work (a job queued; the job, not the
 * request, finds out whether anyone is there to email).
 */

const TOO_MANY_RESETS = "Too many password reset requests.";
export const LINK_EXPIRED = "This link has expired or was already used. Ask for a new one.";

async function queueAccountEmail(job: AccountEmailJob): Promise<void> {
  await jobQueue();
  await getDb().transaction(async (tx) => {
    await enqueue(tx, QUEUES.accountEmail, job);
  });
}

/** "Forgot password?": limited per address and per account; the same answer whether or not the account exists. */
export async function requestPasswordReset(input: { email: string; address: string }): Promise<void> {
  await enforce(RATE_LIMITS.passwordResetPerAddress, input.address, TOO_MANY_RESETS);
  await enforce(RATE_LIMITS.passwordResetPerAccount, input.email, TOO_MANY_RESETS);
  await queueAccountEmail({ kind: "password-reset", email: input.email });
}

/**
 * Sets a new password from an emailed link: single-use and short-lived, it ends every session of
 * the account (the person then signs in), and is audited.
 */
export async function resetPassword(input: { token: string; newPassword: string }): Promise<{ email: string }> {
  const passwordHash = await hashPassword(input.newPassword);
  const { userId, email } = await getDb().transaction(async (tx) => {
    const used = await consumeToken(tx, { token: input.token, purpose: "password-reset" });
    if (!used) throw new DomainError("invalid", LINK_EXPIRED);
    const [user] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false })
      .where(and(eq(users.id, used.userId), eq(users.active, true)))
      .returning({ email: users.email });
    if (!user) throw new DomainError("invalid", LINK_EXPIRED);
    await endAllSessions(used.userId, tx);
    await recordAudit(
      { actorId: used.userId, action: "user.password_reset", targetType: "user", targetId: used.userId },
      tx,
    );
    return { userId: used.userId, email: user.email };
  });
  sessionsChanged(userId);
  return { email };
}

/**
 * Patient self-registration that gives nothing away: a new address gets an account (unverified)
 * and a link to confirm it; an address that has an account gets an email saying someone tried,
 * with a way to reset the password. The caller answers "check your email" either way.
 */
export async function registerPatient(input: { name: string; email: string; password: string }): Promise<void> {
  // Hashed either way, so a known address answers no faster than a new one.
  const passwordHash = await hashPassword(input.password);
  await jobQueue();
  await getDb().transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({
        name: input.name,
        email: input.email.toLowerCase(),
        passwordHash,
        role: "patient",
        emailVerifiedAt: null,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (user) {
      await recordAudit({ actorId: user.id, action: "user.registered", targetType: "user", targetId: user.id }, tx);
      await enqueue(tx, QUEUES.accountEmail, { kind: "verify-email", userId: user.id } satisfies AccountEmailJob);
    } else {
      await enqueue(tx, QUEUES.accountEmail, {
        kind: "registration-attempt",
        email: input.email.toLowerCase(),
      } satisfies AccountEmailJob);
    }
  });
}

/** Sends the confirmation link again (from the patient's own dashboard), a few times an hour at most. */
export async function resendVerification(userId: string): Promise<void> {
  await enforce(RATE_LIMITS.verificationPerAccount, userId, "Too many confirmation emails.");
  await queueAccountEmail({ kind: "verify-email", userId });
}

/** Confirms an address from its emailed link (single use). */
export async function verifyEmail(input: { token: string }): Promise<{ email: string }> {
  return getDb().transaction(async (tx) => {
    const used = await consumeToken(tx, { token: input.token, purpose: "email-verification" });
    if (!used) throw new DomainError("invalid", LINK_EXPIRED);
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
      .where(eq(users.id, used.userId))
      .returning({ email: users.email });
    if (!user) throw new DomainError("invalid", LINK_EXPIRED);
    await recordAudit(
      { actorId: used.userId, action: "user.email_verified", targetType: "user", targetId: used.userId },
      tx,
    );
    return user;
  });
}

/** Whether the account's address is confirmed (booking needs it). */
export async function emailIsVerified(userId: string): Promise<boolean> {
  const [row] = await getDb()
    .select({ at: users.emailVerifiedAt })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)))
    .limit(1);
  return !row;
}
