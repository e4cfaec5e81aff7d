import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { preparedQuery } from "@/db/prepared-statements";
import { alias } from "drizzle-orm/pg-core";
import { appointments, chatRooms, doctorProfiles, roomMembers, users } from "@/db/schema";
import { careOf, type CareSettings } from "@/lib/doctors/care";
import { notFoundError } from "@/lib/errors";
import { awayAt, closesAtOf, type AwayPeriod } from "@/lib/shared/care";
import { CARE_DEFAULTS, type AppointmentStatus, type Role } from "@/lib/shared/model";
import { me, otherUser, them } from "./aliases";

/** The profile and name of the room's doctor, whichever member reads. */
const roomDoctor = alias(doctorProfiles, "room_doctor");
const roomDoctorUser = alias(users, "room_doctor_user");

/** Statuses whose room stays open for new messages; a cancelled or declined one is read-only. */
export const OPEN_ROOM_STATUSES: AppointmentStatus[] = ["accepted", "completed"];

export function roomIsOpen(status: AppointmentStatus): boolean {
  return OPEN_ROOM_STATUSES.includes(status);
}

/** Why a room is read-only at `now`, or null while it takes messages. */
export function closedByOf(status: AppointmentStatus, closesAt: Date, now: Date): "status" | "window" | null {
  return !roomIsOpen(status) ? "status" : closesAt <= now ? "window" : null;
}

export interface RoomView {
  id: string;
  appointmentId: string;
  appointmentStartsAt: Date;
  appointmentStatus: AppointmentStatus;
  /** Accepting messages: the appointment is not cancelled and the reply window has not passed. */
  open: boolean;
  /** Why it is read-only: the appointment was cancelled or declined, or its reply window passed. */
  closedBy: "status" | "window" | null;
  /** When the reply window ends (or ended): see lib/chat/window.ts. */
  closesAt: Date;
  /** The room's doctor and what they promise: reply time, and their away period if it is now. */
  doctor: {
    id: string;
    name: string;
    timeZone: string;
    replyDays: number;
    replyWindowDays: number;
    awayNow: AwayPeriod | null;
  };
  lastSeq: number;
  myReadSeq: number;
  other: { id: string; name: string; role: Role; specialty: string | null; readSeq: number };
}

/**
 * A prepared statement (db/prepared-statements.ts): the query is nine key lookups, which run in
 * about 0.2 ms, but planning its nine-way join took about 3 ms every time (bench: p95 7–10 ms).
 */
const roomForMemberQuery = preparedQuery((db) =>
  db
    .select({
      id: chatRooms.id,
      appointmentId: chatRooms.appointmentId,
      appointmentStartsAt: appointments.startsAt,
      appointmentStatus: appointments.status,
      reopenedUntil: chatRooms.reopenedUntil,
      lastSeq: chatRooms.lastSeq,
      myReadSeq: me.lastReadSeq,
      other: {
        id: otherUser.id,
        name: otherUser.name,
        role: otherUser.role,
        specialty: doctorProfiles.specialty,
        readSeq: them.lastReadSeq,
      },
      doctor: { id: roomDoctorUser.id, name: roomDoctorUser.name },
      // Every doctor the product makes has a profile; a bare account gets the defaults.
      doctorProfile: {
        timeZone: roomDoctor.timeZone,
        replyDays: roomDoctor.replyDays,
        replyWindowDays: roomDoctor.replyWindowDays,
        awayFrom: roomDoctor.awayFrom,
        awayUntil: roomDoctor.awayUntil,
        awayMessage: roomDoctor.awayMessage,
        awayColleague: roomDoctor.awayColleague,
      },
    })
    .from(me)
    .innerJoin(chatRooms, eq(chatRooms.id, me.roomId))
    .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
    .innerJoin(them, and(eq(them.roomId, me.roomId), ne(them.userId, me.userId)))
    .innerJoin(otherUser, eq(otherUser.id, them.userId))
    .leftJoin(doctorProfiles, eq(doctorProfiles.userId, them.userId))
    .innerJoin(roomDoctorUser, eq(roomDoctorUser.id, appointments.doctorId))
    .leftJoin(roomDoctor, eq(roomDoctor.userId, appointments.doctorId))
    .where(and(eq(me.roomId, sql.placeholder("roomId")), eq(me.userId, sql.placeholder("userId"))))
    .limit(1)
    .prepare("room_for_member"),
);

/**
 * The room as one of its two members sees it, or null for anyone else (admins included) and for
 * an unknown id: callers answer not-found either way.
 */
export async function roomForMember(
  input: { roomId: string; userId: string },
  now: Date = new Date(),
): Promise<RoomView | null> {
  const [row] = await roomForMemberQuery().execute(input);
  if (!row) return null;
  const { reopenedUntil, doctor, doctorProfile, ...rest } = row;
  const profile = doctorProfile ?? {
    timeZone: "UTC",
    ...CARE_DEFAULTS,
    awayFrom: null,
    awayUntil: null,
    awayMessage: "",
    awayColleague: "",
  };
  const care: CareSettings = careOf(profile);
  const closesAt = closesAtOf({
    startsAt: row.appointmentStartsAt,
    replyWindowDays: care.replyWindowDays,
    reopenedUntil,
  });
  const closedBy = closedByOf(row.appointmentStatus, closesAt, now);
  return {
    ...rest,
    open: closedBy === null,
    closedBy,
    closesAt,
    doctor: {
      id: doctor.id,
      name: doctor.name,
      timeZone: profile.timeZone,
      replyDays: care.replyDays,
      replyWindowDays: care.replyWindowDays,
      awayNow: awayAt(care.away, now),
    },
  };
}

export async function requireMember(roomId: string, userId: string): Promise<void> {
  const [row] = await getDb()
    .select({ roomId: roomMembers.roomId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .limit(1);
  if (!row) throw notFoundError("That conversation");
}
