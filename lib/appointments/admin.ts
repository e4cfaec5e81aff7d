import "server-only";
import { and, asc, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db";
import { appointments, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { DomainError, notFoundError } from "@/lib/errors";
import { jobQueue } from "@/lib/jobs/queue";
import { publishInTransaction } from "@/lib/live/hub";
import { enqueueAppointmentEmail } from "@/lib/notify/appointments";
import { ADMIN_PAGE_SIZE, countUpTo, pageOf, type Page } from "@/lib/paging";
import { transitionRefusal } from "@/lib/shared/appointment-rules";
import type { AppointmentStatus } from "@/lib/shared/model";

const appointmentsLatestFirst = [desc(appointments.startsAt), desc(appointments.id)];

export interface AdminAppointmentRow {
  id: string;
  startsAt: Date;
  status: AppointmentStatus;
  reason: string;
  decisionNote: string | null;
  patientName: string;
  doctorName: string;
}

const patientUser = alias(users, "patient_user");
const doctorUser = alias(users, "doctor_user");

export async function listAppointments(filter: {
  status?: AppointmentStatus;
  doctorId?: string;
  from?: Date;
  to?: Date;
  page: number;
}): Promise<Page<AdminAppointmentRow>> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(appointments.status, filter.status));
  if (filter.doctorId) conditions.push(eq(appointments.doctorId, filter.doctorId));
  if (filter.from) conditions.push(gte(appointments.startsAt, filter.from));
  if (filter.to) conditions.push(lt(appointments.startsAt, filter.to));
  const where = conditions.length ? and(...conditions) : undefined;
  const db = getDb();
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: appointments.id,
        startsAt: appointments.startsAt,
        status: appointments.status,
        reason: appointments.reason,
        decisionNote: appointments.decisionNote,
        patientName: patientUser.name,
        doctorName: doctorUser.name,
      })
      .from(appointments)
      .innerJoin(patientUser, eq(patientUser.id, appointments.patientId))
      .innerJoin(doctorUser, eq(doctorUser.id, appointments.doctorId))
      .where(where)
      .orderBy(...appointmentsLatestFirst)
      .limit(ADMIN_PAGE_SIZE)
      .offset((filter.page - 1) * ADMIN_PAGE_SIZE),
    countUpTo(
      db
        .select({ one: sql`1` })
        .from(appointments)
        .where(where)
        .orderBy(...appointmentsLatestFirst),
      filter.page,
    ),
  ]);
  return pageOf(rows, total?.n ?? 0, filter.page);
}

export async function listDoctorsForFilter(): Promise<{ id: string; name: string }[]> {
  return getDb()
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.role, "doctor"))
    .orderBy(asc(users.name));
}

/** An admin cancels an appointment the transition table lets be cancelled, with a reason the patient and doctor see. */
export async function adminCancelAppointment(input: {
  adminId: string;
  appointmentId: string;
  reason: string;
}): Promise<void> {
  await jobQueue();
  await getDb().transaction(async (tx) => {
    const [row] = await tx
      .select({
        status: appointments.status,
        patientId: appointments.patientId,
        doctorId: appointments.doctorId,
        startsAt: appointments.startsAt,
      })
      .from(appointments)
      .where(eq(appointments.id, input.appointmentId))
      .for("update")
      .limit(1);
    if (!row) throw notFoundError("That appointment");
    // The same transition table as the patient's and the doctor's cancel.
    const refusal = transitionRefusal("cancel", row.status);
    if (refusal) throw new DomainError("conflict", refusal);
    await tx
      .update(appointments)
      .set({ status: "cancelled", decisionNote: input.reason })
      .where(eq(appointments.id, input.appointmentId));
    await recordAudit(
      {
        actorId: input.adminId,
        action: "admin.appointment_cancelled",
        targetType: "appointment",
        targetId: input.appointmentId,
        detail: { from: row.status },
      },
      tx,
    );
    // Both people hear of it, with the admin's reason.
    for (const recipientId of [row.patientId, row.doctorId])
      await enqueueAppointmentEmail(tx, {
        appointmentId: input.appointmentId,
        startsAt: row.startsAt,
        recipientId,
        event: "cancelled-by-admin",
      });
    await publishInTransaction(tx, [row.patientId, row.doctorId], {
      type: "appointment",
      appointmentId: input.appointmentId,
      status: "cancelled",
    });
  });
}
