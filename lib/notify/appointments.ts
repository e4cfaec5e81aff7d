import "server-only";
import { eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Database } from "@/db";
import { appointments, chatRooms, users } from "@/db/schema";
import { enqueue, QUEUES } from "@/lib/jobs/queue";
import { appointmentCalendarFile } from "@/lib/mail/calendar";
import { templates, type RenderedEmail } from "@/lib/mail/templates";
import { displayName } from "@/lib/shared/display-name";
import { formatDateTime } from "@/lib/shared/format";
import { deliverOnce, notificationLinks, url } from "./deliver";
import { recipientOf } from "./settings";

export const APPOINTMENT_EVENTS = [
  "requested",
  "accepted",
  "declined",
  "cancelled-by-patient",
  "cancelled-by-doctor",
  "cancelled-by-admin",
  "expired",
  "reminder",
] as const;
export type AppointmentEvent = (typeof APPOINTMENT_EVENTS)[number];

export interface AppointmentEmailJob {
  appointmentId: string;
  event: AppointmentEvent;
  recipientId: string;
  /** The start time the job was made for: a reminder or a lapse for a time that moved is dropped. */
  startsAt: string;
}

export const APPOINTMENT_MINUTES = 30;
const REMINDER_BEFORE_MS = 24 * 3_600_000;

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Queues an appointment email inside the transaction that changed the appointment. */
export async function enqueueAppointmentEmail(
  tx: Tx,
  job: Omit<AppointmentEmailJob, "startsAt"> & { startsAt: Date },
  options: { startAfter?: Date } = {},
): Promise<void> {
  await enqueue(tx, QUEUES.appointmentEmail, { ...job, startsAt: job.startsAt.toISOString() }, options);
}

/** Reminders for both people, a day before an accepted appointment (none when it is sooner than that). */
export async function enqueueReminders(
  tx: Tx,
  appointment: { id: string; patientId: string; doctorId: string; startsAt: Date },
  now: Date = new Date(),
): Promise<void> {
  const at = new Date(appointment.startsAt.getTime() - REMINDER_BEFORE_MS);
  if (at.getTime() <= now.getTime()) return;
  for (const recipientId of [appointment.patientId, appointment.doctorId])
    await enqueueAppointmentEmail(
      tx,
      { appointmentId: appointment.id, event: "reminder", recipientId, startsAt: appointment.startsAt },
      { startAfter: at },
    );
}

const patientUser = alias(users, "patient_user");
const doctorUser = alias(users, "doctor_user");

export type AppointmentOutcome = "sent" | "already-sent" | "not-wanted" | "no-longer-true";

/** Sends one appointment email, if it still holds (a reminder for an appointment since cancelled does not). */
export async function handleAppointmentEmail(job: {
  id: string;
  data: AppointmentEmailJob;
}): Promise<AppointmentOutcome> {
  const { appointmentId, event, recipientId } = job.data;
  const [row] = await getDb()
    .select({
      id: appointments.id,
      startsAt: appointments.startsAt,
      status: appointments.status,
      note: appointments.decisionNote,
      updatedAt: appointments.updatedAt,
      roomId: chatRooms.id,
      patient: { id: patientUser.id, name: patientUser.name, role: patientUser.role },
      doctor: { id: doctorUser.id, name: doctorUser.name, role: doctorUser.role },
    })
    .from(appointments)
    .innerJoin(patientUser, eq(patientUser.id, appointments.patientId))
    .innerJoin(doctorUser, eq(doctorUser.id, appointments.doctorId))
    .leftJoin(chatRooms, eq(chatRooms.appointmentId, appointments.id))
    .where(eq(appointments.id, appointmentId))
    .limit(1);
  if (!row) return "no-longer-true";
  const sameTime = row.startsAt.toISOString() === job.data.startsAt;
  if (event === "reminder" && !(row.status === "accepted" && sameTime)) return "no-longer-true";
  if (event === "expired" && !(row.status === "requested" && sameTime)) return "no-longer-true";

  const recipient = await recipientOf(recipientId);
  if (!recipient?.active || !recipient.appointmentEmails) return "not-wanted";
  const isPatient = recipientId === row.patient.id;
  const otherName = displayName(isPatient ? row.doctor : row.patient);
  const when = formatDateTime(row.startsAt, recipient.timeZone);
  const links = notificationLinks(recipientId, "appointments");
  const appointmentsUrl = url(isPatient ? "/patient/appointments" : "/doctor/appointments");
  const calendar = () => [
    {
      filename: "appointment.ics",
      contentType: "text/calendar; charset=utf-8; method=PUBLISH",
      content: appointmentCalendarFile({
        appointmentId: row.id,
        startsAt: row.startsAt,
        minutes: APPOINTMENT_MINUTES,
        title: `Appointment with ${otherName}`,
        url: row.roomId ? url(`/chat/${row.roomId}`) : appointmentsUrl,
        sequence: Math.max(0, Math.floor((row.updatedAt.getTime() - Date.UTC(2020, 0, 1)) / 1000)),
      }),
    },
  ];

  const base = { recipientName: recipient.name, when, links };
  let email: RenderedEmail;
  let attachments: ReturnType<typeof calendar> | undefined;
  switch (event) {
    case "requested":
      email = templates.appointmentRequested({ ...base, patientName: otherName, url: url("/doctor/requests") });
      break;
    case "accepted":
      email = templates.appointmentAccepted({
        ...base,
        doctorName: otherName,
        chatUrl: row.roomId ? url(`/chat/${row.roomId}`) : appointmentsUrl,
      });
      attachments = calendar();
      break;
    case "declined":
      email = templates.appointmentDeclined({
        ...base,
        doctorName: otherName,
        note: row.note,
        url: url("/patient/doctors"),
      });
      break;
    case "cancelled-by-patient":
    case "cancelled-by-doctor":
    case "cancelled-by-admin":
      email = templates.appointmentCancelled({
        ...base,
        otherName,
        by: event === "cancelled-by-admin" ? "admin" : event === "cancelled-by-doctor" ? "doctor" : "patient",
        note: row.note,
        url: appointmentsUrl,
      });
      break;
    case "expired":
      email = templates.appointmentExpired({ ...base, doctorName: otherName, url: url("/patient/doctors") });
      break;
    case "reminder":
      email = templates.appointmentReminder({
        ...base,
        otherName,
        url: row.roomId ? url(`/chat/${row.roomId}`) : appointmentsUrl,
      });
      attachments = calendar();
      break;
  }
  return deliverOnce({
    key: `job-${job.id}`,
    kind: `appointment-${event}`,
    userId: recipientId,
    email: { to: recipient.email, ...email, attachments, unsubscribeUrl: links.oneClickUrl },
  });
}
