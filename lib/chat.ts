import { and, asc, desc, eq, gt, lt, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { appointments, chatRooms, doctorProfiles, messages, roomMembers, users, type AppointmentStatus, type Role } from "@/db/schema";
import { DomainError, notFoundError } from "./errors";
import { publish } from "./realtime";

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
      other: { id: otherUser.id, name: otherUser.name, role: otherUser.role, specialty: doctorProfiles.specialty, readSeq: them.lastReadSeq },
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
export async function threadPage(input: { roomId: string; userId: string; beforeSeq?: number; limit?: number }): Promise<{ messages: ChatMessage[]; hasEarlier: boolean }> {
  await requireMember(input.roomId, input.userId);
  const limit = Math.min(input.limit ?? PAGE_SIZE, PAGE_SIZE);
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.roomId, input.roomId), input.beforeSeq === undefined ? undefined : lt(messages.seq, input.beforeSeq)))
    .orderBy(desc(messages.seq))
    .limit(limit + 1);
  const hasEarlier = rows.length > limit;
  return { messages: rows.slice(0, limit).reverse(), hasEarlier };
}

/** What the poll asks for: messages after the last sequence number the client holds. */
export async function messagesAfter(input: { roomId: string; userId: string; afterSeq: number }): Promise<{ messages: ChatMessage[]; otherReadSeq: number; hasMore: boolean }> {
  const room = await roomForMember(input);
  if (!room) throw notFoundError("That conversation");
  const rows = await getDb()
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.roomId, input.roomId), gt(messages.seq, input.afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(POLL_LIMIT + 1);
  return { messages: rows.slice(0, POLL_LIMIT), otherReadSeq: room.other.readSeq, hasMore: rows.length > POLL_LIMIT };
}

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
  if (result.created) await publish(result.memberIds, { type: "message", roomId: input.roomId, seq: result.message.seq });
  return { message: result.message, created: result.created };
}

async function storeMessage(input: Parameters<typeof sendMessage>[0]): Promise<{ message: ChatMessage; created: boolean; memberIds: string[] }> {
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
        .where(and(eq(messages.roomId, input.roomId), eq(messages.senderId, input.senderId), eq(messages.clientId, input.clientId)))
        .limit(1);
      if (existing) {
        if (existing.body !== input.body) {
          throw new DomainError("conflict", "This message id was already used for a different message. Reload the conversation and send it again.");
        }
        return { message: existing, created: false, memberIds: [] };
      }
      if (!roomIsOpen(room.status)) {
        throw new DomainError("conflict", "This conversation is closed because the appointment was cancelled. You can still read it.");
      }

      // Stamped with the clock now, under the lock (now() is the transaction's start, before the
      // wait), and never earlier than the room's last activity: times follow sequence order.
      const [bumped] = await tx
        .update(chatRooms)
        .set({ lastSeq: sql`${chatRooms.lastSeq} + 1`, lastActivityAt: sql`greatest(${chatRooms.lastActivityAt}, clock_timestamp())` })
        .where(eq(chatRooms.id, input.roomId))
        .returning({ seq: chatRooms.lastSeq, at: chatRooms.lastActivityAt });
      if (!bumped) throw new Error("room vanished under its lock");
      const [message] = await tx
        .insert(messages)
        .values({ roomId: input.roomId, seq: bumped.seq, senderId: input.senderId, clientId: input.clientId, body: input.body, createdAt: bumped.at })
        .returning(messageColumns);
      if (!message) throw new Error("insert returned no row");
      // The sender has read their own message, and everything before it when they had seen all
      // of it (`seenSeq`, the end of what their screen holds). A message that arrived just before
      // theirs, not on their screen yet, stays unread for them.
      const seen = input.seenSeq ?? bumped.seq - 1;
      await tx
        .update(roomMembers)
        .set({ lastReadSeq: seen >= bumped.seq - 1 ? bumped.seq : sql`greatest(${roomMembers.lastReadSeq}, ${seen})` })
        .where(and(eq(roomMembers.roomId, input.roomId), eq(roomMembers.userId, input.senderId)));
      const members = await tx.select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, input.roomId));
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
 * Moves the reader's cursor forward to `seq` (never back, never past the last message): one row
 * update, whatever the number of messages read. Returns the cursor.
 */
export async function markRead(input: { roomId: string; userId: string; seq: number }): Promise<number> {
  const [row] = await getDb()
    .update(roomMembers)
    .set({
      lastReadSeq: sql`greatest(${roomMembers.lastReadSeq}, least(${input.seq}, (select ${chatRooms.lastSeq} from ${chatRooms} where ${chatRooms.id} = ${input.roomId})))`,
    })
    .where(and(eq(roomMembers.roomId, input.roomId), eq(roomMembers.userId, input.userId)))
    .returning({ lastReadSeq: roomMembers.lastReadSeq });
  if (!row) throw notFoundError("That conversation");
  const members = await getDb().select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, input.roomId));
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

/** Every room of the user with its last message and unread count, newest activity first: one query. */
export async function listConversations(userId: string): Promise<ConversationSummary[]> {
  const lastMessage = alias(messages, "last_message");
  const rows = await getDb()
    .select({
      roomId: chatRooms.id,
      lastActivityAt: chatRooms.lastActivityAt,
      appointmentStartsAt: appointments.startsAt,
      appointmentStatus: appointments.status,
      other: { id: otherUser.id, name: otherUser.name, role: otherUser.role, specialty: doctorProfiles.specialty },
      lastBody: lastMessage.body,
      lastCreatedAt: lastMessage.createdAt,
      lastSenderId: lastMessage.senderId,
      unread: sql<number>`(select count(*)::int from ${messages} where ${messages.roomId} = ${me.roomId} and ${messages.seq} > ${me.lastReadSeq} and ${messages.senderId} <> ${me.userId})`,
    })
    .from(me)
    .innerJoin(chatRooms, eq(chatRooms.id, me.roomId))
    .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
    .innerJoin(them, and(eq(them.roomId, me.roomId), ne(them.userId, me.userId)))
    .innerJoin(otherUser, eq(otherUser.id, them.userId))
    .leftJoin(doctorProfiles, eq(doctorProfiles.userId, them.userId))
    .leftJoin(lastMessage, and(eq(lastMessage.roomId, chatRooms.id), eq(lastMessage.seq, chatRooms.lastSeq)))
    .where(eq(me.userId, userId))
    .orderBy(desc(chatRooms.lastActivityAt), asc(chatRooms.id));
  return rows.map(({ lastBody, lastCreatedAt, lastSenderId, ...row }) => ({
    ...row,
    last: lastBody !== null && lastCreatedAt !== null && lastSenderId !== null ? { body: lastBody, createdAt: lastCreatedAt, senderId: lastSenderId } : null,
  }));
}

/**
 * All unread messages of the user across their rooms, from the cursors: per room a range read of
 * the primary key after the cursor (a lateral subquery, so the plan stays one short index read per
 * room however many rooms and messages there are, never a scan of messages).
 */
export async function unreadTotal(userId: string): Promise<number> {
  const db = getDb();
  const perRoom = db
    .select({ n: sql<number>`count(*)`.as("n") })
    .from(messages)
    .where(and(eq(messages.roomId, me.roomId), gt(messages.seq, me.lastReadSeq), ne(messages.senderId, me.userId)))
    .as("unread");
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${perRoom.n}), 0)::int` })
    .from(me)
    .innerJoinLateral(perRoom, sql`true`)
    .where(eq(me.userId, userId));
  return row?.n ?? 0;
}

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
 * their own), unread ones marked: per room the newest few by the primary key, then the top overall.
 */
export async function recentMessages(userId: string, limit: number = RECENT_LIMIT): Promise<RecentMessage[]> {
  const db = getDb();
  const perRoom = db
    .select({ seq: messages.seq, body: messages.body, createdAt: messages.createdAt, senderId: messages.senderId })
    .from(messages)
    .where(and(eq(messages.roomId, me.roomId), ne(messages.senderId, me.userId)))
    .orderBy(desc(messages.seq))
    .limit(limit)
    .as("recent");
  const rows = await db
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
    .where(eq(me.userId, userId))
    .orderBy(desc(perRoom.createdAt), desc(perRoom.seq))
    .limit(limit);
  return rows;
}
