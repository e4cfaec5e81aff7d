import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { notificationSettings, users, type MessageEmailMode } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { EmailCategory } from "@/lib/mail/unsubscribe";

export interface NotificationSettings {
  messageEmails: MessageEmailMode;
  digestHour: number;
  appointmentEmails: boolean;
  timeZone: string;
}

export const DEFAULT_SETTINGS: NotificationSettings = {
  messageEmails: "each",
  digestHour: 8,
  appointmentEmails: true,
  timeZone: "Europe/London",
};

/** A person's email choices (the defaults when they never changed them), with their address and state. */
export async function recipientOf(
  userId: string,
  db: Pick<Database, "select"> = getDb(),
): Promise<(NotificationSettings & { email: string; name: string; role: string; active: boolean }) | null> {
  const [row] = await db
    .select({
      email: users.email,
      name: users.name,
      role: users.role,
      active: users.active,
      messageEmails: sql<MessageEmailMode>`coalesce(${notificationSettings.messageEmails}, 'each')`,
      digestHour: sql<number>`coalesce(${notificationSettings.digestHour}, 8)::int`,
      appointmentEmails: sql<boolean>`coalesce(${notificationSettings.appointmentEmails}, true)`,
      timeZone: sql<string>`coalesce(${notificationSettings.timeZone}, 'Europe/London')`,
    })
    .from(users)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}

export async function notificationSettingsOf(userId: string): Promise<NotificationSettings> {
  const row = await recipientOf(userId);
  if (!row) return DEFAULT_SETTINGS;
  const { messageEmails, digestHour, appointmentEmails, timeZone } = row;
  return { messageEmails, digestHour, appointmentEmails, timeZone };
}

export async function saveNotificationSettings(userId: string, settings: NotificationSettings): Promise<void> {
  await getDb().transaction(async (tx) => {
    await tx
      .insert(notificationSettings)
      .values({ userId, ...settings })
      .onConflictDoUpdate({ target: notificationSettings.userId, set: settings });
    await recordAudit(
      {
        actorId: userId,
        action: "user.notifications_changed",
        targetType: "user",
        targetId: userId,
        detail: { ...settings },
      },
      tx,
    );
  });
}

/** The one-click unsubscribe: turns off exactly one category for one account, signed in or not. */
export async function unsubscribe(input: { userId: string; category: EmailCategory }): Promise<boolean> {
  const change =
    input.category === "messages" ? { messageEmails: "none" as const } : { appointmentEmails: false as const };
  return getDb().transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).limit(1);
    if (!user) return false;
    await tx
      .insert(notificationSettings)
      .values({ userId: input.userId, ...change })
      .onConflictDoUpdate({ target: notificationSettings.userId, set: change });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.unsubscribed",
        targetType: "user",
        targetId: input.userId,
        detail: { category: input.category },
      },
      tx,
    );
    return true;
  });
}
