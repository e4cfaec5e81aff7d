import "server-only";
import { summaryOf } from "@/lib/attachments/views";
import { and, desc, eq, ne, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { executePrepared, preparedQuery } from "@/db/prepared-statements";
import { rowsOf } from "@/db/rows";
import { messages, roomMembers } from "@/db/schema";
import { closesAtOf } from "@/lib/shared/care";
import { CARE_DEFAULTS } from "@/lib/shared/model";
import { closedByOf } from "./rooms";
import { formatConversationCursor, type ConversationCursor } from "@/lib/schemas/conversations";
import type { AppointmentStatus, Role } from "@/lib/shared/model";
import { me, otherUser } from "./aliases";

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

/**
 * One page of the user's rooms, newest activity first (ties by room, newest id first), each with
 * its appointment, the other person, the last message and the unread count; `before` is the
 * `nextCursor` of the page above. One query, one range of the member's activity index, whatever
 * the number of rooms. The per-room lookups are lateral subqueries (each a primary key read):
 * as plain joins, PostgreSQL spent four times longer choosing among seven-table join orders than
 * running the query. Written as SQL and its rows read by hand: Drizzle's mapping of a page of
 * twenty-one rows cost the process about as much CPU as the query itself (0.35 ms a page).
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
  const rows = rowsOf<ConversationRow>(
    await executePrepared(
      getDb(),
      input.before ? "conversations_before" : "conversations",
      conversationPage(input.userId, limit + 1, input.before),
    ),
  );
  const conversations: ConversationSummary[] = [];
  for (const row of rows.slice(0, limit)) {
    const startsAt = new Date(row.starts_at);
    const reopenedUntil = row.reopened_until === null ? null : new Date(row.reopened_until);
    const closesAt = closesAtOf({
      startsAt,
      replyWindowDays: row.reply_window_days ?? CARE_DEFAULTS.replyWindowDays,
      reopenedUntil,
    });
    conversations.push({
      roomId: row.room_id,
      lastActivityAt: new Date(row.last_activity_at),
      appointmentStartsAt: startsAt,
      appointmentStatus: row.status,
      other: { id: row.other_id, name: row.other_name, role: row.other_role, specialty: row.other_specialty },
      last:
        row.last_body !== null && row.last_created_at !== null && row.last_sender_id !== null
          ? { body: row.last_body, createdAt: new Date(row.last_created_at), senderId: row.last_sender_id }
          : null,
      unread: Number(row.unread_count),
      closed: closedByOf(row.status, closesAt, now) !== null,
      hasDraft: row.has_draft,
    });
  }
  const end = rows[limit - 1];
  return {
    conversations,
    nextCursor:
      rows.length > limit && end
        ? formatConversationCursor({ activityMicros: end.activity_micros, roomId: end.room_id })
        : null,
  };
}

/** A row of conversationPage; times as the driver gives them (text from postgres.js, dates from PGlite). */
interface ConversationRow {
  room_id: string;
  last_activity_at: string | Date;
  activity_micros: string;
  starts_at: string | Date;
  status: AppointmentStatus;
  reopened_until: string | Date | null;
  reply_window_days: number | null;
  has_draft: boolean;
  other_id: string;
  other_name: string;
  other_role: Role;
  other_specialty: string | null;
  last_body: string | null;
  last_created_at: string | Date | null;
  last_sender_id: string | null;
  unread_count: number;
}

/** The conversation list's query: the first `take` rooms, or those below a cursor. */
function conversationPage(userId: string, take: number, before: ConversationCursor | undefined): SQL {
  const below = before
    ? sql`and (me.last_activity_at, me.room_id) < ('epoch'::timestamptz + ${before.activityMicros}::bigint * interval '1 microsecond', ${before.roomId}::uuid)`
    : sql``;
  return sql`
    select me.room_id, me.last_activity_at,
           (extract(epoch from me.last_activity_at) * 1000000)::bigint::text as activity_micros,
           room.starts_at, room.status, room.reopened_until, room.reply_window_days,
           exists (select 1 from drafts d where d.room_id = me.room_id and d.user_id = me.user_id) as has_draft,
           other.id as other_id, other.name as other_name, other.role as other_role, other.specialty as other_specialty,
           last_message.body as last_body, last_message.created_at as last_created_at,
           last_message.sender_id as last_sender_id,
           me.unread_count
      from room_members me
      cross join lateral (
        select a.starts_at, a.status, r.reopened_until,
               (select p.reply_window_days from doctor_profiles p where p.user_id = a.doctor_id) as reply_window_days
          from chat_rooms r join appointments a on a.id = r.appointment_id
         where r.id = me.room_id
         limit 1
      ) room
      cross join lateral (
        -- The specialty only for a doctor (a scalar subquery: as a join, it was hashed from a scan
        -- of every doctor's profile, once per room).
        select u.id, u.name, u.role,
               case when u.role = 'doctor' then (select p.specialty from doctor_profiles p where p.user_id = them.user_id) end as specialty
          from room_members them join users u on u.id = them.user_id
         where them.room_id = me.room_id and them.user_id <> me.user_id
         limit 1
      ) other
      left join lateral (
        select ${summaryOf(messages)} as body, ${messages.createdAt}, ${messages.senderId}
          from ${messages}
         where ${messages.roomId} = me.room_id
         order by ${messages.seq} desc
         limit 1
      ) last_message on true
     where me.user_id = ${userId}::uuid ${below}
     order by me.last_activity_at desc, me.room_id desc
     limit ${take}`;
}

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
