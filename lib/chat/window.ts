import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { rowsOf } from "@/db/rows";
import { recordAudit } from "@/lib/audit";
import { DomainError, notFoundError } from "@/lib/errors";
import { formatDateTime } from "@/lib/shared/format";
import { doctorName } from "@/lib/shared/display-name";
import { publishInTransaction } from "@/lib/live/hub";
import { postNotice } from "./notices";
import { OPEN_ROOM_STATUSES } from "./rooms";

/**
 * The reply window (closesAtOf in lib/shared/care.ts) closes a room by the clock alone; the doctor
 * may open it again.
 */
export const CANNOT_REOPEN_CANCELLED =
  "This conversation cannot be reopened because its appointment was cancelled or declined.";

/**
 * The room's doctor opens it again for their reply window from now ("Reopen for N days"). Only
 * that doctor: anyone else, the patient included, gets not-found (the action's door already turns
 * patients away). A line in the thread says until when, and the reopening is audited.
 */
export async function reopenRoom(input: { roomId: string; doctorId: string }): Promise<{ reopenedUntil: Date }> {
  return getDb().transaction(async (tx) => {
    const [room] = rowsOf<{
      status: string;
      patient_id: string;
      window_days: number;
      time_zone: string;
      name: string;
    }>(
      await tx.execute(sql`
        select a.status, a.patient_id, p.reply_window_days as window_days, p.time_zone, u.name
        from chat_rooms c
        join appointments a on a.id = c.appointment_id
        join doctor_profiles p on p.user_id = a.doctor_id
        join users u on u.id = a.doctor_id
        where c.id = ${input.roomId}::uuid and a.doctor_id = ${input.doctorId}::uuid
        for update of c`),
    );
    if (!room) throw notFoundError("That conversation");
    if (!(OPEN_ROOM_STATUSES as string[]).includes(room.status))
      throw new DomainError("conflict", CANNOT_REOPEN_CANCELLED);
    const [row] = rowsOf<{ reopened_until: Date | string }>(
      await tx.execute(sql`
        update chat_rooms set reopened_until = clock_timestamp() + make_interval(hours => 24 * ${room.window_days}::int)
        where id = ${input.roomId}::uuid
        returning reopened_until`),
    );
    const reopenedUntil = new Date(row!.reopened_until);
    await postNotice(tx, {
      roomId: input.roomId,
      senderId: input.doctorId,
      kind: "system",
      body: `${doctorName(room.name)} reopened this conversation until ${formatDateTime(reopenedUntil, room.time_zone)}.`,
    });
    // Both members' open pages show the composer again without a reload.
    await publishInTransaction(tx, [room.patient_id, input.doctorId], { type: "room", roomId: input.roomId });
    await recordAudit(
      {
        actorId: input.doctorId,
        action: "chat.room_reopened",
        targetType: "room",
        targetId: input.roomId,
        detail: { reopenedUntil: reopenedUntil.toISOString(), days: room.window_days },
      },
      tx,
    );
    return { reopenedUntil };
  });
}
