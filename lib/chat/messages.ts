import "server-only";
import { and, asc, desc, eq, gt, lt, ne, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { preparedQuery } from "@/db/prepared-statements";
import { rowsOf } from "@/db/rows";
import { attachments, chatRooms, messages, roomMembers } from "@/db/schema";
import { DomainError, notFoundError } from "@/lib/errors";
import { cancelWaiting, jobInsertStatement, jobQueue, QUEUES } from "@/lib/jobs/queue";
import { CHANNEL, publishInTransaction } from "@/lib/live/hub";
import { unreadDelaySeconds, unreadJobKey, type UnreadMessageJob } from "@/lib/notify/messages";
import { keyOf, RATE_LIMITS, retryMessage, SENDING_TOO_FAST } from "@/lib/rate-limit";
import { FILES_MISSING, checkFileCount, filesTooLarge } from "@/lib/attachments/attach";
import { attachmentLimits } from "@/lib/attachments/limits";
import { toAttachmentJson, withAttachments, type AttachmentJson } from "@/lib/attachments/views";
import type { MessageKind } from "@/lib/shared/model";
import { windowClosedText } from "@/lib/shared/care";
import { me, them } from "./aliases";
import { sendAwayReply } from "./away-reply";
import { unreadAfter } from "./member-state";
import { OPEN_ROOM_STATUSES, requireMember } from "./rooms";

export const PAGE_SIZE = 50;
export const POLL_LIMIT = 200;

export interface ChatMessage {
  seq: number;
  senderId: string;
  clientId: string;
  body: string;
  /** A person's message, or a line no person typed (lib/chat/notices.ts). */
  kind: MessageKind;
  createdAt: Date;
  /** Files sent with the message (lib/attachments), in order; absent where not loaded. */
  attachments?: AttachmentJson[];
}

const messageColumns = {
  seq: messages.seq,
  senderId: messages.senderId,
  clientId: messages.clientId,
  body: messages.body,
  kind: messages.kind,
  createdAt: messages.createdAt,
  // Whether it has files (a probe of their index): only then are they asked for, so a page or a
  // poll of text is one round trip. Qualified by hand: drizzle writes a lone table's columns bare,
  // and inside this subquery a bare room_id would be the attachment's own.
  hasFiles:
    sql<boolean>`exists (select 1 from ${attachments} a where a.room_id = "messages"."room_id" and a.message_seq = "messages"."seq")`.as(
      "has_files",
    ),
};

// ---------------------------------------------------------------- reading

/** A page of history in chronological order: the newest PAGE_SIZE, or those before `beforeSeq`. */
export async function threadPage(input: {
  roomId: string;
  userId: string;
  beforeSeq?: number;
  /**
   * Opens the thread at this message (a search result): the page ends up to half a page after it,
   * so it sits in the middle; the poll then brings what came after, "Load earlier" what came before.
   */
  aroundSeq?: number;
  limit?: number;
}): Promise<{ messages: ChatMessage[]; hasEarlier: boolean }> {
  const limit = Math.min(input.limit ?? PAGE_SIZE, PAGE_SIZE);
  const beforeSeq =
    input.beforeSeq ?? (input.aroundSeq !== undefined ? input.aroundSeq + Math.floor(limit / 2) + 1 : NO_SEQ_LIMIT);
  const rows = await threadPageQuery().execute({
    roomId: input.roomId,
    userId: input.userId,
    beforeSeq,
    limit: limit + 1,
  });
  // No row: not a member, or nothing before that point (only then is membership asked on its own).
  if (rows.length === 0) await requireMember(input.roomId, input.userId);
  const hasEarlier = rows.length > limit;
  return { messages: await withAttachments(input.roomId, rows.slice(0, limit).reverse()), hasEarlier };
}

/** Above every sequence number (an int4): "before" it is the newest page. */
const NO_SEQ_LIMIT = 2_147_483_647;

// Membership is a condition of the same statement, so a page is one round trip before its files.
const threadPageQuery = preparedQuery((db) =>
  db
    .select(messageColumns)
    .from(messages)
    .where(
      and(
        eq(messages.roomId, sql.placeholder("roomId")),
        lt(messages.seq, sql.placeholder("beforeSeq")),
        sql`exists (select 1 from ${roomMembers} where ${roomMembers.roomId} = ${sql.placeholder("roomId")} and ${roomMembers.userId} = ${sql.placeholder("userId")})`,
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(sql.placeholder("limit"))
    .prepare("thread_page"),
);

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
  return {
    messages: await withAttachments(input.roomId, found.slice(0, POLL_LIMIT)),
    otherReadSeq: first.otherReadSeq,
    hasMore: found.length > POLL_LIMIT,
  };
}

// One query, as it runs every few seconds per open thread: the caller's membership, the other
// member's read cursor, and the messages after N (none: one row without a message). The messages
// are a lateral page in the primary key's order: as a plain join, PostgreSQL planned the statement
// afresh on every call once rooms held a few dozen messages (its generic plan's guess of a third of
// a room's rows to sort looked dearer than planning), which cost a poll about 0.2 ms.
const messagesAfterQuery = preparedQuery((db) => {
  const after = db
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.roomId, me.roomId), gt(messages.seq, sql.placeholder("afterSeq"))))
    .orderBy(asc(messages.seq))
    .limit(POLL_LIMIT + 1)
    .as("after");
  return db
    .select({
      otherReadSeq: them.lastReadSeq,
      message: {
        seq: after.seq,
        senderId: after.senderId,
        clientId: after.clientId,
        body: after.body,
        kind: after.kind,
        createdAt: after.createdAt,
        hasFiles: after.hasFiles,
      },
    })
    .from(me)
    .innerJoin(them, and(eq(them.roomId, me.roomId), ne(them.userId, me.userId)))
    .leftJoinLateral(after, sql`true`)
    .where(and(eq(me.roomId, sql.placeholder("roomId")), eq(me.userId, sql.placeholder("userId"))))
    .orderBy(asc(after.seq))
    .limit(POLL_LIMIT + 1)
    .prepare("messages_after");
});

// ---------------------------------------------------------------- sending

/**
 * Stores one message, in one call to the database (carebridge_send_message, migration 0011): the
 * room row is locked and its sequence counter bumped, so sequence numbers follow commit order
 * without gaps; both members' counters, the recipient's email job and the live event are written
 * with it, so they exist exactly when the message does. The client's id makes a retry
 * idempotent: the same id and body return the stored message; the same id with another body is
 * refused. Every door that sends (the action, the JSON endpoint) calls this one function, which also
 * applies the sender's rate limit; only a room member can send, so no role needs checking here.
 */
export async function sendMessage(input: {
  roomId: string;
  senderId: string;
  clientId: string;
  body: string;
  /** Uploaded files this message takes (lib/attachments/attach.ts). */
  attachmentIds?: string[];
  seenSeq?: number;
  /** Off only in the notification bench, which times the send with and without its email job. */
  emailIfUnread?: boolean;
}): Promise<{ message: ChatMessage; created: boolean }> {
  const files = [...new Set(input.attachmentIds ?? [])];
  checkFileCount(files.length);
  const job = input.emailIfUnread === false ? null : await unreadJobInsert(input.roomId);
  const rule = RATE_LIMITS.messagesPerUser;
  const [row] = rowsOf<SendRow>(
    await getDb().execute(sql`select * from carebridge_send_message(
      ${input.roomId}::uuid, ${input.senderId}::uuid, ${input.clientId}::uuid, ${input.body}, ${input.seenSeq ?? null}::int,
      ${`{${OPEN_ROOM_STATUSES.join(",")}}`}::text[],
      ${keyOf(rule, input.senderId)}, ${rule.capacity}::float8, ${rule.capacity / rule.perSeconds}::float8,
      ${CHANNEL}, ${job?.text ?? null}, ${job?.json ?? null}, ${RECIPIENT},
      ${`{${files.join(",")}}`}::uuid[], ${attachmentLimits().maxMessageBytes}::bigint)`),
  );
  if (!row) throw new Error("carebridge_send_message returned no row");
  switch (row.outcome) {
    case "rate_limited":
      throw new DomainError("rate_limited", retryMessage(SENDING_TOO_FAST, { retryAfterSeconds: row.retry_after! }));
    case "not_found":
      throw notFoundError("That conversation");
    case "reused_id":
      throw new DomainError(
        "conflict",
        "This message id was already used for a different message. Reload the conversation and send it again.",
      );
    case "closed":
      throw new DomainError(
        "conflict",
        "This conversation is closed because the appointment was cancelled. You can still read it.",
      );
    case "window_closed":
      throw new DomainError("conflict", windowClosedText(new Date(row.closes_at!), row.time_zone ?? "UTC"));
    case "files_missing":
      throw new DomainError("conflict", FILES_MISSING);
    case "files_too_large":
      throw filesTooLarge(Number(row.files_bytes));
    case "existing":
    case "created": {
      const message: ChatMessage = {
        seq: row.seq!,
        senderId: row.sender_id!,
        clientId: row.client_id!,
        body: row.body!,
        kind: "message",
        createdAt: new Date(row.created_at!),
        attachments: (row.files ?? []).map(toAttachmentJson),
      };
      // The doctor is away and this room has not had its automatic reply for the period: only
      // then a second, short transaction, which claims the reply once (lib/chat/away-reply.ts).
      if (row.outcome === "created" && row.away_reply_due)
        await sendAwayReply({ roomId: input.roomId, doctorId: row.doctor_id!, periodKey: new Date(row.away_key!) });
      return { message, created: row.outcome === "created" };
    }
  }
}

interface SendRow {
  outcome:
    | "rate_limited"
    | "not_found"
    | "reused_id"
    | "closed"
    | "window_closed"
    | "files_missing"
    | "files_too_large"
    | "existing"
    | "created";
  seq: number | null;
  sender_id: string | null;
  client_id: string | null;
  body: string | null;
  created_at: Date | string | null;
  retry_after: number | null;
  files_bytes: string | number | null;
  /** The message's files (carebridge_message_files, named as attachmentColumns). */
  files: Parameters<typeof toAttachmentJson>[0][] | null;
  /** When the room's reply window ends (lib/shared/care.ts closesAtOf). */
  closes_at: Date | string | null;
  /** The patient wrote while the doctor is away and the room has not had the automatic reply. */
  away_reply_due: boolean | null;
  /** The away period's start, which names the period the reply is for. */
  away_key: Date | string | null;
  doctor_id: string | null;
  /** The doctor's zone, in which the closing time is told. */
  time_zone: string | null;
}

/** Stands for the recipient in the job's data and key; the database function puts their id there. */
const RECIPIENT = "00000000-0000-4000-8000-000000000000";

/** pg-boss's insert of the room's unread-email job for the recipient (one waits per room and recipient). */
function unreadJobInsert(roomId: string) {
  const job: UnreadMessageJob = { roomId, userId: RECIPIENT };
  return jobInsertStatement(QUEUES.unreadMessage, job, {
    singletonKey: unreadJobKey(job),
    startAfter: unreadDelaySeconds(),
  });
}

// ---------------------------------------------------------------- read cursors

/**
 * Moves the reader's cursor forward to `seq` (never back, never past the last message) and
 * recounts their unread after it: one row update, whatever the number of messages read. Returns
 * the cursor, what stays unread in the room, and the reader's unread total (which their read event
 * carries as well, so their badges need no request).
 */
export async function markRead(input: {
  roomId: string;
  userId: string;
  seq: number;
}): Promise<{ lastReadSeq: number; roomUnread: number; unreadTotal: number }> {
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
      .returning({
        lastReadSeq: roomMembers.lastReadSeq,
        roomUnread: roomMembers.unreadCount,
        // The reader's other rooms, which this update leaves as they are.
        otherRooms: sql<number>`(select coalesce(sum(t.unread_count), 0)::int from room_members t where t.user_id = ${input.userId} and t.room_id <> ${input.roomId})`,
        otherMember: sql<string>`(select t.user_id from room_members t where t.room_id = ${input.roomId} and t.user_id <> ${input.userId})`,
      });
    if (!updated) return undefined;
    const unreadTotal = updated.otherRooms + updated.roomUnread;
    // Read before the email went out: it is not sent.
    if (updated.roomUnread === 0)
      await cancelWaiting(tx, QUEUES.unreadMessage, unreadJobKey({ roomId: input.roomId, userId: input.userId }));
    await publishInTransaction(
      tx,
      [input.userId, updated.otherMember],
      { type: "read", roomId: input.roomId, userId: input.userId, seq: updated.lastReadSeq },
      { [input.userId]: unreadTotal },
    );
    return { lastReadSeq: updated.lastReadSeq, roomUnread: updated.roomUnread, unreadTotal };
  });
  if (!row) throw notFoundError("That conversation");
  return row;
}
