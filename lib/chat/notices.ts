import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { publishInTransaction } from "@/lib/live/hub";
import type { MessageKind } from "@/lib/shared/model";

/**
 * Writes a line into a room that no person typed: the automatic reply of a doctor who is away
 * (kind "auto_reply", in the doctor's name) or a record of a change ("system", in the name of the
 * member who made it). It takes the room's next sequence number under the room's lock like a
 * message, counts as unread for the other member, and reaches both members live; the sender's own
 * cursor stays where it was (they did not read anything by it). Runs inside the caller's
 * transaction so the line exists exactly when the change it records does.
 */
export async function postNotice(
  tx: Pick<Database, "execute">,
  input: { roomId: string; senderId: string; kind: Exclude<MessageKind, "message">; body: string },
): Promise<{ seq: number; createdAt: Date }> {
  const [row] = rowsOf<{ seq: number; created_at: Date | string; unread: Record<string, number> }>(
    await tx.execute(sql`
      with room as (
        update chat_rooms c
        set last_seq = c.last_seq + 1, last_activity_at = greatest(c.last_activity_at, clock_timestamp())
        where c.id = ${input.roomId}::uuid
        returning c.id, c.last_seq, c.last_activity_at
      ), inserted as (
        insert into messages (room_id, seq, sender_id, client_id, body, kind, created_at)
        select room.id, room.last_seq, ${input.senderId}::uuid, gen_random_uuid(), ${input.body}, ${input.kind}, room.last_activity_at
        from room
        returning seq, created_at
      ), members as (
        update room_members m set
          unread_count = m.unread_count + case when m.user_id = ${input.senderId}::uuid then 0 else 1 end,
          last_incoming_at = case when m.user_id = ${input.senderId}::uuid then m.last_incoming_at else room.last_activity_at end,
          last_activity_at = room.last_activity_at
        from room
        where m.room_id = room.id
        returning m.user_id, m.unread_count
      )
      select inserted.seq, inserted.created_at,
        (select json_object_agg(members.user_id,
          members.unread_count + (select coalesce(sum(t.unread_count), 0) from room_members t
                                  where t.user_id = members.user_id and t.room_id <> ${input.roomId}::uuid))
         from members) as unread
      from inserted`),
  );
  if (!row) throw new Error(`postNotice: no room ${input.roomId}`);
  const seq = Number(row.seq);
  await publishInTransaction(
    tx,
    Object.keys(row.unread),
    { type: "message", roomId: input.roomId, seq, from: input.senderId },
    row.unread,
  );
  return { seq, createdAt: new Date(row.created_at) };
}
