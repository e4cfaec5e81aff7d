import { and, asc, desc, eq, gt, lt, ne, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Database } from "@/db/index";
import { preparedQuery } from "@/db/prepared-statements";
import { isUniqueViolation } from "@/db/errors";
import {
  appointments,
  chatRooms,
  doctorProfiles,
  messages,
  roomMembers,
  users,
  type AppointmentStatus,
  type Role,
} from "@/db/schema";
import { unreadAfter } from "./member-state";
import { DomainError, notFoundError } from "@/lib/errors";
import { publish } from "@/lib/live/hub";
import { formatConversationCursor, type ConversationCursor } from "@/lib/schemas/conversations";

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

/** Statuses whose room stays open for new messages; a cancelled or declined one is read-only. */
export const OPEN_ROOM_STATUSES: AppointmentStatus[] = ["accepted", "completed"];

export function roomIsOpen(status: AppointmentStatus): boolean {
  return OPEN_ROOM_STATUSES.includes(status);
}

// ---------------------------------------------------------------- membership

export interface RoomView {
  id: string;
  appointmentId: string;
  appointmentStartsAt: Date;
  appointmentStatus: AppointmentStatus;
  open: boolean;
  lastSeq: number;
  myReadSeq: number;
  other: { id: string; name: string; role: Role; specialty: string | null; readSeq: number };
}

const me = alias(roomMembers, "me");
const them = alias(roomMembers, "them");
const otherUser = alias(users, "other_user");

/**
 * The room as one of its two members sees it, or null for anyone else (admins included) and for
 * an unknown id: callers answer not-found either way.
 */
export async function roomForMember(input: { roomId: string; userId: string }): Promise<RoomView | null> {
  const [row] = await getDb()
    .select({
      id: chatRooms.id,
      appointmentId: chatRooms.appointmentId,
      appointmentStartsAt: appointments.startsAt,
      appointmentStatus: appointments.status,
      lastSeq: chatRooms.lastSeq,
      myReadSeq: me.lastReadSeq,
      other: {
        id: otherUser.id,
        name: otherUser.name,
        role: otherUser.role,
        specialty: doctorProfiles.specialty,
        readSeq: them.lastReadSeq,
      },
    })
    .from(me)
    .innerJoin(chatRooms, eq(chatRooms.id, me.roomId))
    .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
    .innerJoin(them, and(eq(them.roomId, me.roomId), ne(them.userId, me.userId)))
    .innerJoin(otherUser, eq(otherUser.id, them.userId))
    .leftJoin(doctorProfiles, eq(doctorProfiles.userId, them.userId))
    .where(and(eq(me.roomId, input.roomId), eq(me.userId, input.userId)))
    .limit(1);
  return row ? { ...row, open: roomIsOpen(row.appointmentStatus) } : null;
}

async function requireMember(roomId: string, userId: string): Promise<void> {
  const [row] = await getDb()
    .select({ roomId: roomMembers.roomId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .limit(1);
  if (!row) throw notFoundError("That conversation");
}

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
 * refused.
 */
export async function sendMessage(input: {
  roomId: string;
  senderId: string;
  clientId: string;
  body: string;
  seenSeq?: number;
}): Promise<{ message: ChatMessage; created: boolean }> {
  const result = await storeMessage(input);
  if (result.created)
    await publish(result.memberIds, { type: "message", roomId: input.roomId, seq: result.message.seq });
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
      return { message, created: true, memberIds: members.map((m) => m.userId) };
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
      .returning({ lastReadSeq: roomMembers.lastReadSeq });
    return updated;
  });
  if (!row) throw notFoundError("That conversation");
  const members = await getDb()
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(eq(roomMembers.roomId, input.roomId));
  await publish(
    members.map((m) => m.userId),
    { type: "read", roomId: input.roomId, userId: input.userId, seq: row.lastReadSeq },
  );
  return row.lastReadSeq;
}

// ---------------------------------------------------------------- lists and counters

export interface ConversationSummary {
  roomId: string;
  lastActivityAt: Date;
  appointmentStartsAt: Date;
  appointmentStatus: AppointmentStatus;
  other: { id: string; name: string; role: Role; specialty: string | null };
  last: { body: string; createdAt: Date; senderId: string } | null;
  unread: number;
}

export const CONVERSATIONS_PAGE_SIZE = 20;

/** The microseconds since 1970 of a timestamp column, as text: the cursor's exact time. */
const microsOf = (column: SQL | AnyColumn) => sql<string>`(extract(epoch from ${column}) * 1000000)::bigint::text`;

/**
 * One page of the user's rooms, newest activity first (ties by room, newest id first), each with
 * its appointment, the other person, the last message and the unread count; `before` is the
 * `nextCursor` of the page above. One query, one range of the member's activity index, whatever
 * the number of rooms. The per-room lookups are lateral subqueries (each a primary key read):
 * as plain joins, PostgreSQL spent four times longer choosing among seven-table join orders than
 * running the query.
 */
export async function listConversations(input: {
  userId: string;
  before?: ConversationCursor;
  limit?: number;
}): Promise<{
  conversations: ConversationSummary[];
  nextCursor: string | null;
}> {
  const limit = Math.max(1, Math.min(input.limit ?? CONVERSATIONS_PAGE_SIZE, CONVERSATIONS_PAGE_SIZE));
  const rows = input.before
    ? await conversationsBeforeQuery().execute({
        userId: input.userId,
        take: limit + 1,
        beforeMicros: input.before.activityMicros,
        beforeRoomId: input.before.roomId,
      })
    : await conversationsQuery().execute({ userId: input.userId, take: limit + 1 });
  const page = rows.slice(0, limit);
  const end = page.at(-1);
  return {
    conversations: page.map(({ lastBody, lastCreatedAt, lastSenderId, activityMicros: _, ...row }) => ({
      ...row,
      last:
        lastBody !== null && lastCreatedAt !== null && lastSenderId !== null
          ? { body: lastBody, createdAt: lastCreatedAt, senderId: lastSenderId }
          : null,
    })),
    nextCursor:
      rows.length > limit && end
        ? formatConversationCursor({ activityMicros: end.activityMicros, roomId: end.roomId })
        : null,
  };
}

/** The conversation list's query: the first page, or (`paged`) the page below a cursor. */
function conversationPageQuery(db: Database, paged: boolean) {
  const room = db
    .select({ startsAt: appointments.startsAt, status: appointments.status })
    .from(chatRooms)
    .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
    .where(eq(chatRooms.id, me.roomId))
    .limit(1)
    .as("room");
  const other = db
    .select({
      id: otherUser.id,
      name: otherUser.name,
      role: otherUser.role,
      // A scalar subquery: as a join, it was hashed from a scan of every doctor's profile, once per
      // room. Only for doctors: the profiles table is small enough that PostgreSQL reads it whole
      // rather than by its key, which cost a doctor's list of patients a third of its time.
      specialty: sql<
        string | null
      >`case when ${otherUser.role} = 'doctor' then (select ${doctorProfiles.specialty} from ${doctorProfiles} where ${doctorProfiles.userId} = ${them.userId}) end`.as(
        "specialty",
      ),
    })
    .from(them)
    .innerJoin(otherUser, eq(otherUser.id, them.userId))
    .where(and(eq(them.roomId, me.roomId), ne(them.userId, me.userId)))
    .limit(1)
    .as("other");
  const last = db
    .select({ body: messages.body, createdAt: messages.createdAt, senderId: messages.senderId })
    .from(messages)
    .where(eq(messages.roomId, me.roomId))
    .orderBy(desc(messages.seq))
    .limit(1)
    .as("last_message");
  const before = paged
    ? sql`(${me.lastActivityAt}, ${me.roomId}) < ('epoch'::timestamptz + ${sql.placeholder("beforeMicros")}::bigint * interval '1 microsecond', ${sql.placeholder("beforeRoomId")}::uuid)`
    : undefined;
  return db
    .select({
      roomId: me.roomId,
      lastActivityAt: me.lastActivityAt,
      activityMicros: microsOf(me.lastActivityAt),
      appointmentStartsAt: room.startsAt,
      appointmentStatus: room.status,
      other: { id: other.id, name: other.name, role: other.role, specialty: other.specialty },
      lastBody: last.body,
      lastCreatedAt: last.createdAt,
      lastSenderId: last.senderId,
      unread: me.unreadCount,
    })
    .from(me)
    .innerJoinLateral(room, sql`true`)
    .innerJoinLateral(other, sql`true`)
    .leftJoinLateral(last, sql`true`)
    .where(and(eq(me.userId, sql.placeholder("userId")), before))
    .orderBy(desc(me.lastActivityAt), desc(me.roomId))
    .limit(sql.placeholder("take"))
    .prepare(paged ? "conversations_before" : "conversations");
}

const conversationsQuery = preparedQuery((db) => conversationPageQuery(db, false));
const conversationsBeforeQuery = preparedQuery((db) => conversationPageQuery(db, true));

/** All unread messages of the user across their rooms: the sum of the counts kept on their member rows. */
export async function unreadTotal(userId: string): Promise<number> {
  const [row] = await unreadTotalQuery().execute({ userId });
  return row?.n ?? 0;
}

const unreadTotalQuery = preparedQuery((db) =>
  db
    .select({ n: sql<number>`coalesce(sum(${roomMembers.unreadCount}), 0)::int` })
    .from(roomMembers)
    .where(eq(roomMembers.userId, sql.placeholder("userId")))
    .prepare("unread_total"),
);

export const RECENT_LIMIT = 5;

export interface RecentMessage {
  roomId: string;
  seq: number;
  body: string;
  createdAt: Date;
  sender: { id: string; name: string; role: Role };
  unread: boolean;
}

/**
 * The newest messages the user received across all their rooms (from the other member, never
 * their own), unread ones marked. The newest `limit` received messages are in at most `limit`
 * rooms, and those rooms have the largest `last_incoming_at` (a message is never newer than its
 * room's newest incoming one): so only the rooms at or above the `limit`-th largest (ties kept)
 * are read, each for its newest few by the primary key, then the top overall.
 */
export async function recentMessages(userId: string, limit: number = RECENT_LIMIT): Promise<RecentMessage[]> {
  const take = Math.max(1, limit);
  return recentMessagesQuery().execute({ userId, take, skip: take - 1 });
}

const recentMessagesQuery = preparedQuery((db) => {
  const userId = sql.placeholder("userId");
  const take = sql.placeholder("take");
  const cutoff = sql`coalesce((
    select ${roomMembers.lastIncomingAt} from ${roomMembers}
     where ${roomMembers.userId} = ${userId} and ${roomMembers.lastIncomingAt} is not null
     order by ${roomMembers.lastIncomingAt} desc
     limit 1 offset ${sql.placeholder("skip")}
  ), '-infinity'::timestamptz)`;
  const perRoom = db
    .select({ seq: messages.seq, body: messages.body, createdAt: messages.createdAt, senderId: messages.senderId })
    .from(messages)
    .where(and(eq(messages.roomId, me.roomId), ne(messages.senderId, me.userId)))
    .orderBy(desc(messages.seq))
    .limit(take)
    .as("recent");
  return db
    .select({
      roomId: me.roomId,
      seq: perRoom.seq,
      body: perRoom.body,
      createdAt: perRoom.createdAt,
      sender: { id: otherUser.id, name: otherUser.name, role: otherUser.role },
      unread: sql<boolean>`${perRoom.seq} > ${me.lastReadSeq}`,
    })
    .from(me)
    .innerJoinLateral(perRoom, sql`true`)
    .innerJoin(otherUser, eq(otherUser.id, perRoom.senderId))
    .where(and(eq(me.userId, userId), sql`${me.lastIncomingAt} >= ${cutoff}`))
    .orderBy(desc(perRoom.createdAt), desc(perRoom.seq), desc(me.roomId))
    .limit(take)
    .prepare("recent_messages");
});
