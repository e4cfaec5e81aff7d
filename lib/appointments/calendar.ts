import "server-only";
import { and, eq, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db";
import { appointments, chatRooms, users } from "@/db/schema";
import { notFoundError } from "@/lib/errors";
import { appointmentCalendarFile } from "@/lib/mail/calendar";
import { APPOINTMENT_MINUTES } from "@/lib/notify/appointments";
import { url } from "@/lib/notify/deliver";
import { displayName } from "@/lib/shared/display-name";

const patientUser = alias(users, "patient_user");
const doctorUser = alias(users, "doctor_user");

/**
 * "Add to calendar": an accepted appointment of the caller's as an .ics file, read at its current
 * time (so it follows a move; the same uid with a higher sequence updates the calendar's event).
 * Anyone else, and any other status, gets not-found.
 */
export async function appointmentCalendarFor(input: { userId: string; appointmentId: string }): Promise<string> {
  const [row] = await getDb()
    .select({
      id: appointments.id,
      startsAt: appointments.startsAt,
      updatedAt: appointments.updatedAt,
      patientId: appointments.patientId,
      roomId: chatRooms.id,
      patient: { name: patientUser.name, role: patientUser.role },
      doctor: { name: doctorUser.name, role: doctorUser.role },
    })
    .from(appointments)
    .innerJoin(patientUser, eq(patientUser.id, appointments.patientId))
    .innerJoin(doctorUser, eq(doctorUser.id, appointments.doctorId))
    .leftJoin(chatRooms, eq(chatRooms.appointmentId, appointments.id))
    .where(
      and(
        eq(appointments.id, input.appointmentId),
        or(eq(appointments.patientId, input.userId), eq(appointments.doctorId, input.userId)),
        sql`${appointments.status} = 'accepted'`,
      ),
    )
    .limit(1);
  if (!row) throw notFoundError("That appointment");
  const other = displayName(row.patientId === input.userId ? row.doctor : row.patient);
  return appointmentCalendarFile({
    appointmentId: row.id,
    startsAt: row.startsAt,
    minutes: APPOINTMENT_MINUTES,
    title: `Appointment with ${other}`,
    url: url(row.roomId ? `/chat/${row.roomId}` : "/"),
    sequence: Math.max(0, Math.floor((row.updatedAt.getTime() - Date.UTC(2020, 0, 1)) / 1000)),
  });
}
