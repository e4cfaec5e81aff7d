import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { emailDeliveries, users } from "@/db/schema";
import { templates } from "@/lib/mail/templates";
import { deliverOnce, url } from "@/lib/notify/deliver";
import { issueToken, TOKEN_MINUTES } from "./account-tokens";

export type AccountEmailJob =
  | { kind: "password-reset"; email: string }
  | { kind: "registration-attempt"; email: string }
  | { kind: "verify-email"; userId: string };

export type AccountEmailOutcome = "sent" | "already-sent" | "no-account";

const byEmail = (email: string) => eq(sql`lower(${users.email})`, email.toLowerCase());

/**
 * The account emails. The request that queued the job answered before anyone looked: here, an
 * address without an account simply gets nothing. A link's token is made only when its email is
 * about to go out, and not again once it has gone.
 */
export async function handleAccountEmail(job: { id: string; data: AccountEmailJob }): Promise<AccountEmailOutcome> {
  const key = `job-${job.id}`;
  const [done] = await getDb()
    .select({ status: emailDeliveries.status })
    .from(emailDeliveries)
    .where(eq(emailDeliveries.jobId, key));
  if (done?.status === "sent") return "already-sent";
  const [user] = await getDb()
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      active: users.active,
      verified: users.emailVerifiedAt,
    })
    .from(users)
    .where(job.data.kind === "verify-email" ? eq(users.id, job.data.userId) : byEmail(job.data.email))
    .limit(1);
  if (!user || !user.active) return "no-account";

  switch (job.data.kind) {
    case "password-reset": {
      const token = await issueToken({ userId: user.id, purpose: "password-reset" });
      const email = templates.passwordReset({
        recipientName: user.name,
        url: url(`/reset-password?token=${token}`),
        minutes: TOKEN_MINUTES["password-reset"],
      });
      return deliverOnce({ key, kind: "password-reset", userId: user.id, email: { to: user.email, ...email } });
    }
    case "verify-email": {
      if (user.verified) return "already-sent";
      const token = await issueToken({ userId: user.id, purpose: "email-verification" });
      const email = templates.verifyEmail({
        recipientName: user.name,
        url: url(`/verify-email?token=${token}`),
        hours: TOKEN_MINUTES["email-verification"] / 60,
      });
      return deliverOnce({ key, kind: "verify-email", userId: user.id, email: { to: user.email, ...email } });
    }
    case "registration-attempt": {
      const email = templates.registrationAttempt({
        recipientName: user.name,
        resetUrl: url("/forgot-password"),
        signInUrl: url("/login"),
      });
      return deliverOnce({ key, kind: "registration-attempt", userId: user.id, email: { to: user.email, ...email } });
    }
  }
}
