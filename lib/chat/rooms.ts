import "server-only";
import { and, eq, ne } from "drizzle-orm";
import { getDb } from "@/db";
import { appointments, chatRooms, doctorProfiles, roomMembers } from "@/db/schema";
import { notFoundError } from "@/lib/errors";
import type { AppointmentStatus, Role } from "@/lib/shared/model";
import { me, otherUser, them } from "./aliases";

/** Statuses whose room stays open for new messages; a cancelled or declined one is read-only. */
export const OPEN_ROOM_STATUSES: AppointmentStatus[] = ["accepted", "completed"];

export function roomIsOpen(status: AppointmentStatus): boolean {
  return OPEN_ROOM_STATUSES.includes(status);
}

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

export async function requireMember(roomId: string, userId: string): Promise<void> {
  const [row] = await getDb()
    .select({ roomId: roomMembers.roomId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .limit(1);
  if (!row) throw notFoundError("That conversation");
}
