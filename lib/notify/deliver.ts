import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { emailDeliveries } from "@/db/schema";
import { appUrl, readEnv } from "@/lib/env";
import { mailTransport, type OutgoingEmail } from "@/lib/mail/transport";
import { unsubscribeToken, type EmailCategory } from "@/lib/mail/unsubscribe";
import type { NotificationLinks } from "@/lib/mail/templates";

/** The domain of MAIL_FROM, for Message-IDs. */
function mailDomain(): string {
  const from = readEnv().MAIL_FROM;
  return /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? "carebridge.localhost";
}

/** A stable Message-ID per job: a retry that sends again is recognisably the same email. */
export function messageIdOf(key: string): string {
  return `<${key.replace(/[^A-Za-z0-9.-]/g, "-")}@${mailDomain()}>`;
}

export const url = (path: string) => `${appUrl()}${path}`;

/** The footer links of a notification: settings, and the one-click unsubscribe for its category. */
export function notificationLinks(
  userId: string,
  category: EmailCategory,
): NotificationLinks & { oneClickUrl: string } {
  const token = encodeURIComponent(unsubscribeToken(userId, category));
  return {
    settingsUrl: url("/account/settings"),
    unsubscribeUrl: url(`/unsubscribe?token=${token}`),
    oneClickUrl: url(`/api/unsubscribe?token=${token}`),
    unsubscribeWhat: category === "messages" ? "message emails" : "appointment emails",
  };
}

export type DeliveryOutcome = "sent" | "already-sent";

/**
 * Sends a job's email at most once per handover: a row keyed by the job is written before the
 * send and marked sent after it, and a job that runs again (a crash, a lost acknowledgement) finds
 * it marked and sends nothing. Only a crash in the instant between the mail server's acceptance
 * and the mark can repeat a send, and then with the same Message-ID.
 */
export async function deliverOnce(input: {
  /** What makes this email one: its job's id, or a key of its own (one digest a person a day). */
  key: string;
  kind: string;
  userId: string;
  email: Omit<OutgoingEmail, "messageId">;
}): Promise<DeliveryOutcome> {
  const db = getDb();
  // One statement: the row for this key, new ("sending") or as an earlier attempt left it.
  const [row] = await db
    .insert(emailDeliveries)
    .values({ jobId: input.key, kind: input.kind, userId: input.userId, status: "sending" })
    .onConflictDoUpdate({ target: emailDeliveries.jobId, set: { jobId: sql`excluded.job_id` } })
    .returning({ status: emailDeliveries.status });
  if (row?.status === "sent") return "already-sent";
  await mailTransport().send({ ...input.email, messageId: messageIdOf(input.key) });
  await db
    .update(emailDeliveries)
    .set({ status: "sent", sentAt: sql`now()` })
    .where(and(eq(emailDeliveries.jobId, input.key), eq(emailDeliveries.status, "sending")));
  return "sent";
}
