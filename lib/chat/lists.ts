import "server-only";
import { summaryOf } from "@/lib/attachments/views";
import { and, desc, eq, ne, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { preparedQuery } from "@/db/prepared-statements";
import { appointments, chatRooms, doctorProfiles, drafts, messages, roomMembers } from "@/db/schema";
import { closesAtOf } from "@/lib/shared/care";
import { CARE_DEFAULTS } from "@/lib/shared/model";
import { closedByOf } from "./rooms";
import { formatConversationCursor, type ConversationCursor } from "@/lib/schemas/conversations";
import type { AppointmentStatus, Role } from "@/lib/shared/model";
import { me, otherUser, them } from "./aliases";

// ---------------------------------------------------------------- lists and counters

export interface ConversationSummary {
  roomId: string;
  lastActivityAt: Date;
  appointmentStartsAt: Date;
  appointmentStatus: AppointmentStatus;
  other: { id: string; name: string; role: Role; specialty: string | null };
  last: { body: string; createdAt: Date; senderId: string } | null;
  unread: number;
  /** Read-only now: its appointment was cancelled or declined, or its reply window passed. */
  closed: boolean;
  /** The user has typed something here and not sent it (lib/chat/drafts.ts). */
  hasDraft: boolean;
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
  now?: Date;
}): Promise<{
  conversations: ConversationSummary[];
  nextCursor: string | null;
}> {
  const limit = Math.max(1, Math.min(input.limit ?? CONVERSATIONS_PAGE_SIZE, CONVERSATIONS_PAGE_SIZE));
  const now = input.now ?? new Date();
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
    conversations: page.map(({ lastBody, lastCreatedAt, lastSenderId, activityMicros: _, room, ...row }) => ({
      ...row,
      appointmentStartsAt: room.startsAt,
      appointmentStatus: room.status,
      closed:
        closedByOf(
          room.status,
          closesAtOf({
            startsAt: room.startsAt,
            replyWindowDays: room.replyWindowDays ?? CARE_DEFAULTS.replyWindowDays,
            reopenedUntil: room.reopenedUntil,
          }),
          now,
        ) !== null,
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
    .select({
      startsAt: appointments.startsAt,
      status: appointments.status,
      reopenedUntil: chatRooms.reopenedUntil,
      replyWindowDays: sql<
        number | null
      >`(select ${doctorProfiles.replyWindowDays} from ${doctorProfiles} where ${doctorProfiles.userId} = ${appointments.doctorId})`.as(
        "reply_window_days",
      ),
    })
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
    .select({
      body: summaryOf(messages).as("body"),
      createdAt: messages.createdAt,
      senderId: messages.senderId,
    })
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
      room: {
        startsAt: room.startsAt,
        status: room.status,
        reopenedUntil: room.reopenedUntil,
        replyWindowDays: room.replyWindowDays,
      },
      hasDraft: sql<boolean>`exists (select 1 from ${drafts} where ${drafts.roomId} = ${me.roomId} and ${drafts.userId} = ${me.userId})`,
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
    .select({
      seq: messages.seq,
      body: summaryOf(messages).as("body"),
      createdAt: messages.createdAt,
      senderId: messages.senderId,
    })
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
