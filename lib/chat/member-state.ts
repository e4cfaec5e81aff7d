import "server-only";
import { inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { chatRooms, messages, roomMembers } from "@/db/schema";

/**
 * The state lib/chat keeps on each room_members row so a member's list and counters read one index
 * range however many rooms they have. Written as SQL on the row being updated, so every writer
 * uses the same definitions (and the migration that added the columns backfilled with them).
 */

/** Unread for the member on this row with the read cursor `cursor`: the other member's messages after it (a range read of the primary key). */
export function unreadAfter(cursor: SQL): SQL<number> {
  return sql<number>`(select count(*)::int from ${messages} where ${messages.roomId} = ${roomMembers.roomId} and ${messages.seq} > ${cursor} and ${messages.senderId} <> ${roomMembers.userId})`;
}

/** When the newest message from the other member of this row's room was sent; null before the first. */
const lastIncomingAt = sql<Date | null>`(select ${messages.createdAt} from ${messages} where ${messages.roomId} = ${roomMembers.roomId} and ${messages.senderId} <> ${roomMembers.userId} order by ${messages.seq} desc limit 1)`;

type Writer = Pick<Database, "update">;

/**
 * Recomputes the members' state of these rooms from their messages and the room row: for data
 * written around sendMessage (the demo seed, test fixtures), never needed after sendMessage or
 * markRead, which keep it exact themselves.
 */
export async function recountRoomMembers(db: Writer, roomIds: string[]): Promise<void> {
  if (roomIds.length === 0) return;
  await db
    .update(roomMembers)
    .set({
      unreadCount: unreadAfter(sql`${roomMembers.lastReadSeq}`),
      lastActivityAt: sql`(select ${chatRooms.lastActivityAt} from ${chatRooms} where ${chatRooms.id} = ${roomMembers.roomId})`,
      lastIncomingAt: lastIncomingAt,
    })
    .where(inArray(roomMembers.roomId, roomIds));
}
