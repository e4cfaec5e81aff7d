import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { rowsOf } from "@/db/rows";
import { awayReplyText } from "@/lib/shared/care";
import { doctorName } from "@/lib/shared/display-name";
import { postNotice } from "./notices";

/**
 * The away notice's automatic reply, once per room and away period. carebridge_send_message says
 * when it is due; concurrent sends may all say so, so the reply is claimed here with a conditional
 * update of the room (the second claimant waits on the row lock, then finds the room already
 * claimed and writes nothing), and written in the same transaction as the claim: a reply exists
 * exactly when its claim does. The period is named by its start, so a new period replies again.
 */
export async function sendAwayReply(input: { roomId: string; doctorId: string; periodKey: Date }): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    const [claimed] = rowsOf<{
      name: string;
      time_zone: string;
      away_from: Date | string;
      away_until: Date | string;
      away_message: string;
      away_colleague: string;
    }>(
      await tx.execute(sql`
        update chat_rooms c set away_replied_for = p.away_from
        from doctor_profiles p join users u on u.id = p.user_id
        where c.id = ${input.roomId}::uuid and p.user_id = ${input.doctorId}::uuid
          and p.away_from = ${input.periodKey.toISOString()}::timestamptz
          and c.away_replied_for is distinct from p.away_from
        returning u.name, p.time_zone, p.away_from, p.away_until, p.away_message, p.away_colleague`),
    );
    if (!claimed) return false;
    const period = {
      from: new Date(claimed.away_from),
      until: new Date(claimed.away_until),
      message: claimed.away_message,
      colleague: claimed.away_colleague,
    };
    await postNotice(tx, {
      roomId: input.roomId,
      senderId: input.doctorId,
      kind: "auto_reply",
      body: awayReplyText(doctorName(claimed.name), period, claimed.time_zone),
    });
    return true;
  });
}
