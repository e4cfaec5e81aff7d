import "server-only";
import { and, asc, desc, eq, gt, lt, ne, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { preparedQuery } from "@/db/prepared-statements";
import { appointments, chatRooms, messages, roomMembers } from "@/db/schema";
import { DomainError, notFoundError } from "@/lib/errors";
import { cancelWaiting, enqueue, jobQueue, QUEUES } from "@/lib/jobs/queue";
import { publishInTransaction } from "@/lib/live/hub";
import { unreadDelaySeconds, unreadJobKey, type UnreadMessageJob } from "@/lib/notify/messages";
import { enforce, RATE_LIMITS, SENDING_TOO_FAST } from "@/lib/rate-limit";
import { me, them } from "./aliases";
import { unreadAfter } from "./member-state";
import { requireMember, roomIsOpen } from "./rooms";

export const PAGE_SIZE = 50;
export const POLL_LIMIT = 200;

export interface ChatMessage {
  seq: number;
  senderId: string;
  clientId: string;
  body: string;
  createdAt: Date;
}

const messageColumns = {
  seq: messages.seq,
  senderId: messages.senderId,
  clientId: messages.clientId,
  body: messages.body,
  createdAt: messages.createdAt,
};

// ---------------------------------------------------------------- reading

/** A page of history in chronological order: the newest PAGE_SIZE, or those before `beforeSeq`. */
export async function threadPage(input: {
  roomId: string;
  userId: string;
  beforeSeq?: number;
  limit?: number;
}): Promise<{ messages: ChatMessage[]; hasEarlier: boolean }> {
  await requireMember(input.roomId, input.userId);
  const limit = Math.min(input.limit ?? PAGE_SIZE, PAGE_SIZE);
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(
      and(
        eq(messages.roomId, input.roomId),
        input.beforeSeq === undefined ? undefined : lt(messages.seq, input.beforeSeq),
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(limit + 1);
  const hasEarlier = rows.length > limit;
  return { messages: rows.slice(0, limit).reverse(), hasEarlier };
}

/** What the poll asks for: messages after the last sequence number the client holds. */
export async function messagesAfter(input: {
  roomId: string;
  userId: string;
  afterSeq: number;
}): Promise<{ messages: ChatMessage[]; otherReadSeq: number; hasMore: boolean }> {
  const rows = await messagesAfterQuery().execute(input);
  const [first] = rows;
  if (!first) throw notFoundError("That conversation");
  const found = rows.flatMap((r) => (r.message ? [r.message] : []));
  return { messages: found.slice(0, POLL_LIMIT), otherReadSeq: first.otherReadSeq, hasMore: found.length > POLL_LIMIT };
}

// One query, as it runs every few seconds per open thread: the caller's membership, the other
// member's read cursor, and the messages after N (none: one row without a message).
const messagesAfterQuery = preparedQuery((db) =>
  db
    .select({ otherReadSeq: them.lastReadSeq, message: messageColumns })
    .from(me)
    .innerJoin(them, and(eq(them.roomId, me.roomId), ne(them.userId, me.userId)))
    .leftJoin(messages, and(eq(messages.roomId, me.roomId), gt(messages.seq, sql.placeholder("afterSeq"))))
    .where(and(eq(me.roomId, sql.placeholder("roomId")), eq(me.userId, sql.placeholder("userId"))))
    .orderBy(asc(messages.seq))
    .limit(POLL_LIMIT + 1)
    .prepare("messages_after"),
);

// ---------------------------------------------------------------- sending

/**
 * Stores one message. Inside the transaction the room row is locked and its sequence counter
 * bumped, so sequence numbers follow commit order without gaps. The client's id makes a retry
 * idempotent: the same id and body return the stored message; the same id with another body is
 * refused. Every door that sends (the action, the JSON endpoint) calls this one function, which also
 * applies the sender's rate limit; only a room member can send, so no role needs checking here.
 */
export async function sendMessage(input: {
  roomId: string;
  senderId: string;
  clientId: string;
  body: string;
  seenSeq?: number;
  /** Off only in the notification bench, which times the send with and without its email job. */
  emailIfUnread?: boolean;
}): Promise<{ message: ChatMessage; created: boolean }> {
  await enforce(RATE_LIMITS.messagesPerUser, input.senderId, SENDING_TOO_FAST);
  await jobQueue();
  const result = await storeMessage(input);
  return { message: result.message, created: result.created };
}

async function storeMessage(
  input: Parameters<typeof sendMessage>[0],
): Promise<{ message: ChatMessage; created: boolean; memberIds: string[] }> {
  try {
    return await getDb().transaction(async (tx) => {
      const [room] = await tx
        .select({ status: appointments.status })
        .from(chatRooms)
        .innerJoin(roomMembers, and(eq(roomMembers.roomId, chatRooms.id), eq(roomMembers.userId, input.senderId)))
        .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
        .where(eq(chatRooms.id, input.roomId))
        .for("update", { of: chatRooms })
        .limit(1);
      if (!room) throw notFoundError("That conversation");

      const [existing] = await tx
        .select(messageColumns)
        .from(messages)
        .where(
          and(
            eq(messages.roomId, input.roomId),
            eq(messages.senderId, input.senderId),
            eq(messages.clientId, input.clientId),
          ),
        )
        .limit(1);
      if (existing) {
        if (existing.body !== input.body) {
          throw new DomainError(
            "conflict",
            "This message id was already used for a different message. Reload the conversation and send it again.",
          );
        }
        return { message: existing, created: false, memberIds: [] };
      }
      if (!roomIsOpen(room.status)) {
        throw new DomainError(
          "conflict",
          "This conversation is closed because the appointment was cancelled. You can still read it.",
        );
      }

      // Stamped with the clock now, under the lock (now() is the transaction's start, before the
      // wait), and never earlier than the room's last activity: times follow sequence order.
      const [bumped] = await tx
        .update(chatRooms)
        .set({
          lastSeq: sql`${chatRooms.lastSeq} + 1`,
          lastActivityAt: sql`greatest(${chatRooms.lastActivityAt}, clock_timestamp())`,
        })
        .where(eq(chatRooms.id, input.roomId))
        .returning({ seq: chatRooms.lastSeq, at: chatRooms.lastActivityAt });
      if (!bumped) throw new Error("room vanished under its lock");
      const [message] = await tx
        .insert(messages)
        .values({
          roomId: input.roomId,
          seq: bumped.seq,
          senderId: input.senderId,
          clientId: input.clientId,
          body: input.body,
          createdAt: bumped.at,
        })
        .returning(messageColumns);
      if (!message) throw new Error("insert returned no row");
      // The sender has read their own message, and everything before it when they had seen all
      // of it (`seenSeq`, the end of what their screen holds). A message that arrived just before
      // theirs, not on their screen yet, stays unread for them: their unread count is recounted
      // after the new cursor (under the room's lock, so no other message is in flight). The
      // other member has one more unread (their cursor cannot be past a message not yet sent).
      const seen = input.seenSeq ?? bumped.seq - 1;
      const cursor =
        seen >= bumped.seq - 1 ? sql`${bumped.seq}::int` : sql`greatest(${roomMembers.lastReadSeq}, ${seen}::int)`;
      const isSender = sql`${roomMembers.userId} = ${input.senderId}`;
      const members = await tx
        .update(roomMembers)
        .set({
          lastReadSeq: sql`case when ${isSender} then ${cursor} else ${roomMembers.lastReadSeq} end`,
          unreadCount: sql`case when ${isSender} then ${unreadAfter(cursor)} else ${roomMembers.unreadCount} + 1 end`,
          lastIncomingAt: sql`case when ${isSender} then ${roomMembers.lastIncomingAt} else ${message.createdAt.toISOString()}::timestamptz end`,
          lastActivityAt: sql`(select ${chatRooms.lastActivityAt} from ${chatRooms} where ${chatRooms.id} = ${input.roomId})`,
        })
        .where(eq(roomMembers.roomId, input.roomId))
        .returning({ userId: roomMembers.userId });
      const memberIds = members.map((m) => m.userId);
      // The recipient's email if the message stays unread (one job per room and recipient waits at
      // a time), and the live event: both part of this transaction, so they exist exactly when the
      // message does.
      for (const userId of memberIds)
        if (userId !== input.senderId && input.emailIfUnread !== false)
          await enqueue(tx, QUEUES.unreadMessage, { roomId: input.roomId, userId } satisfies UnreadMessageJob, {
            singletonKey: unreadJobKey({ roomId: input.roomId, userId }),
            startAfter: unreadDelaySeconds(),
          });
      await publishInTransaction(tx, memberIds, {
        type: "message",
        roomId: input.roomId,
        seq: message.seq,
        from: input.senderId,
      });
      return { message, created: true, memberIds };
    });
  } catch (error) {
    // Only reachable if the lock were bypassed; the unique key still keeps one copy.
    if (isUniqueViolation(error, "messages_room_sender_client_key")) {
      return storeMessage(input);
    }
    throw error;
  }
}

// ---------------------------------------------------------------- read cursors

/**
 * Moves the reader's cursor forward to `seq` (never back, never past the last message) and
 * recounts their unread after it: one row update, whatever the number of messages read. Returns
 * the cursor.
 */
export async function markRead(input: { roomId: string; userId: string; seq: number }): Promise<number> {
  await jobQueue();
  const row = await getDb().transaction(async (tx) => {
    // The room's share lock holds sends back until the recount commits. Without it, an update
    // that waited on the row lock of a send's counter bump would recount with its older
    // snapshot, miss the message just sent, and leave the count one short.
    const [room] = await tx
      .select({ lastSeq: chatRooms.lastSeq })
      .from(chatRooms)
      .innerJoin(roomMembers, and(eq(roomMembers.roomId, chatRooms.id), eq(roomMembers.userId, input.userId)))
      .where(eq(chatRooms.id, input.roomId))
      .for("share", { of: chatRooms });
    if (!room) return undefined;
    const cursor = sql`greatest(${roomMembers.lastReadSeq}, least(${input.seq}::int, ${room.lastSeq}::int))`;
    const [updated] = await tx
      .update(roomMembers)
      .set({ lastReadSeq: cursor, unreadCount: unreadAfter(cursor) })
      .where(and(eq(roomMembers.roomId, input.roomId), eq(roomMembers.userId, input.userId)))
      .returning({ lastReadSeq: roomMembers.lastReadSeq, unread: roomMembers.unreadCount });
    if (!updated) return undefined;
    // Read before the email went out: it is not sent.
    if (updated.unread === 0)
      await cancelWaiting(tx, QUEUES.unreadMessage, unreadJobKey({ roomId: input.roomId, userId: input.userId }));
    const members = await tx
      .select({ userId: roomMembers.userId })
      .from(roomMembers)
      .where(eq(roomMembers.roomId, input.roomId));
    await publishInTransaction(
      tx,
      members.map((m) => m.userId),
      { type: "read", roomId: input.roomId, userId: input.userId, seq: updated.lastReadSeq },
    );
    return updated;
  });
  if (!row) throw notFoundError("That conversation");
  return row.lastReadSeq;
}
