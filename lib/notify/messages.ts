import "server-only";
import { and, eq, gt, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db";
import { rowsOf } from "@/db/rows";
import { chatRooms, roomMembers, users } from "@/db/schema";
import { readEnv } from "@/lib/env";
import { jobQueue, QUEUES } from "@/lib/jobs/queue";
import { templates } from "@/lib/mail/templates";
import { displayName } from "@/lib/shared/display-name";
import { deliverOnce, notificationLinks, url } from "./deliver";
import { recipientOf } from "./settings";

export interface UnreadMessageJob {
  roomId: string;
  userId: string;
}

/** The key that keeps one unread-message job waiting per room and recipient. */
export const unreadJobKey = (job: UnreadMessageJob) => `${job.roomId}:${job.userId}`;

/** Seconds from a message's commit until its recipient is emailed if it is still unread. */
export const unreadDelaySeconds = () => readEnv().NOTIFY_UNREAD_AFTER_MINUTES * 60;

const other = alias(roomMembers, "other");
const sender = alias(users, "sender");

export type UnreadOutcome = "sent" | "already-sent" | "read" | "nothing-new" | "not-wanted" | "deferred";

/**
 * A message stayed unread for the delay: email its recipient once, naming the sender and linking to
 * the thread, never the message. Read in the meantime, nothing is sent. After an email the next
 * waits until the person has read or the cool-down has passed (the job is then put off until then).
 */
export async function handleUnreadMessage(job: { id: string; data: UnreadMessageJob }): Promise<UnreadOutcome> {
  const { roomId, userId } = job.data;
  const [state] = await getDb()
    .select({
      unread: roomMembers.unreadCount,
      lastReadSeq: roomMembers.lastReadSeq,
      notifiedSeq: roomMembers.notifiedSeq,
      notifiedAt: roomMembers.notifiedAt,
      lastSeq: chatRooms.lastSeq,
      sender: { name: sender.name, role: sender.role },
    })
    .from(roomMembers)
    .innerJoin(chatRooms, eq(chatRooms.id, roomMembers.roomId))
    .innerJoin(other, and(eq(other.roomId, roomMembers.roomId), ne(other.userId, roomMembers.userId)))
    .innerJoin(sender, eq(sender.id, other.userId))
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .limit(1);
  if (!state || state.unread === 0) return "read";
  if (state.lastSeq <= state.notifiedSeq) return "nothing-new";
  const recipient = await recipientOf(userId);
  if (!recipient?.active || recipient.messageEmails !== "each") return "not-wanted";

  const cooldownMs = readEnv().NOTIFY_COOLDOWN_MINUTES * 60_000;
  if (state.notifiedAt && state.lastReadSeq < state.notifiedSeq) {
    const until = new Date(state.notifiedAt.getTime() + cooldownMs);
    if (until.getTime() > Date.now()) {
      const boss = await jobQueue();
      await boss.send(QUEUES.unreadMessage, job.data, { singletonKey: unreadJobKey(job.data), startAfter: until });
      return "deferred";
    }
  }

  const links = notificationLinks(userId, "messages");
  const email = templates.newMessage({
    recipientName: recipient.name,
    senderName: displayName(state.sender),
    threadUrl: url(`/chat/${roomId}`),
    links,
  });
  const outcome = await deliverOnce({
    key: `job-${job.id}`,
    kind: "new-message",
    userId,
    email: { to: recipient.email, ...email, unsubscribeUrl: links.oneClickUrl },
  });
  await getDb()
    .update(roomMembers)
    .set({ notifiedSeq: sql`greatest(${roomMembers.notifiedSeq}, ${state.lastSeq}::int)`, notifiedAt: sql`now()` })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  return outcome;
}

// ---------------------------------------------------------------- daily digest

/** The people whose digest hour is now in their own time zone and who have something unread. */
export async function handleDigestTick(now: Date = new Date()): Promise<number> {
  const rows = rowsOf<{ user_id: string; local_date: string }>(
    await getDb().execute(sql`
      select s.user_id, to_char(${now.toISOString()}::timestamptz at time zone s.time_zone, 'YYYY-MM-DD') as local_date
        from notification_settings s
        join users u on u.id = s.user_id and u.active
       where s.message_emails = 'digest'
         and s.digest_hour = extract(hour from ${now.toISOString()}::timestamptz at time zone s.time_zone)
         and exists (select 1 from room_members m where m.user_id = s.user_id and m.unread_count > 0)`),
  );
  if (rows.length === 0) return 0;
  const boss = await jobQueue();
  await boss.insert(
    QUEUES.digest,
    rows.map((r) => ({ data: { userId: r.user_id, day: r.local_date }, singletonKey: `${r.user_id}:${r.local_date}` })),
  );
  return rows.length;
}

/** One person's digest: who has written and how many are unread, never what. One a day at most. */
export async function handleDigest(job: { id: string; data: { userId: string; day: string } }): Promise<UnreadOutcome> {
  const recipient = await recipientOf(job.data.userId);
  if (!recipient?.active || recipient.messageEmails !== "digest") return "not-wanted";
  const senders = await getDb()
    .select({ name: sender.name, role: sender.role, unread: sql<number>`sum(${roomMembers.unreadCount})::int` })
    .from(roomMembers)
    .innerJoin(other, and(eq(other.roomId, roomMembers.roomId), ne(other.userId, roomMembers.userId)))
    .innerJoin(sender, eq(sender.id, other.userId))
    .where(and(eq(roomMembers.userId, job.data.userId), gt(roomMembers.unreadCount, 0)))
    .groupBy(sender.id, sender.name, sender.role)
    .orderBy(sender.name);
  if (senders.length === 0) return "read";
  const links = notificationLinks(job.data.userId, "messages");
  const email = templates.messageDigest({
    recipientName: recipient.name,
    senders: senders.map((s) => ({ name: displayName(s), unread: s.unread })),
    url: url("/chat"),
    links,
  });
  return deliverOnce({
    key: `digest-${job.data.userId}-${job.data.day}`,
    kind: "message-digest",
    userId: job.data.userId,
    email: { to: recipient.email, ...email, unsubscribeUrl: links.oneClickUrl },
  });
}
