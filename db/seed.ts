import { sql } from "drizzle-orm";
import { recountRoomMembers } from "@/lib/chat/member-state";
import { hashPassword } from "@/lib/auth/password";
import { addDays, localDateOf, zonedToUtc, type LocalDate } from "@/lib/shared/time";
import type { Database } from "./client";
import {
  appointments,
  auditEvents,
  chatRooms,
  doctorProfiles,
  messages,
  roomMembers,
  users,
  workingHours,
} from "./schema";
import type { AppointmentStatus } from "@/lib/shared/model";

export const DEMO_PASSWORD = "carebridge-demo";
export const DEMO_ADMIN_EMAIL = "admin@carebridge.test";

export const DEMO_DOCTORS = [
  {
    name: "Emily Davis",
    email: "emily.davis@carebridge.test",
    specialty: "Cardiology",
    bio: "Consultant cardiologist with 15 years in heart rhythm and prevention.",
  },
  {
    name: "Michael Chen",
    email: "michael.chen@carebridge.test",
    specialty: "Dermatology",
    bio: "Skin, hair and nail conditions, from acne to eczema.",
  },
  {
    name: "Sarah Patel",
    email: "sarah.patel@carebridge.test",
    specialty: "General Practice",
    bio: "Family doctor for everyday health, check-ups and referrals.",
  },
  {
    name: "James Okafor",
    email: "james.okafor@carebridge.test",
    specialty: "Paediatrics",
    bio: "Children's health from newborns to teenagers.",
  },
] as const;

export const DEMO_PATIENTS = [
  { name: "Carol Anderson", email: "carol.anderson@carebridge.test" },
  { name: "David Brown", email: "david.brown@carebridge.test" },
  { name: "Grace Lee", email: "grace.lee@carebridge.test" },
  { name: "Henry Wilson", email: "henry.wilson@carebridge.test" },
  { name: "Isabel Garcia", email: "isabel.garcia@carebridge.test" },
] as const;

const ZONE = "Europe/London";
const WEEKDAY_HOURS = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 17 * 60 }));

/** The n-th weekday (Mon–Fri) counted from today in London, negative for the past. */
function weekday(n: number, now: Date): LocalDate {
  const today = localDateOf(now, ZONE);
  let date = today;
  let count = 0;
  const step = n >= 0 ? 1 : -1;
  while (count < Math.abs(n)) {
    date = addDays(date, step);
    if (date.weekday <= 5) count++;
  }
  return date;
}

const at = (n: number, hour: number, minute: number, now: Date) =>
  zonedToUtc(weekday(n, now), hour * 60 + minute, ZONE);

const CONVERSATION = [
  "Hello, thank you for accepting my appointment.",
  "Hello! Happy to help. Could you tell me a little more about your symptoms?",
  "I have had a dull pain on and off for about two weeks.\nIt is worse in the evening.",
  "Thank you. Does anything make it better, such as rest or medication?",
  "Rest helps a bit. I have not taken anything yet.",
  "That is useful to know. Please keep a short diary of when it happens until we meet.",
  "I will. Should I bring anything to the appointment?",
  "Bring a list of any medicines you take, and your diary.",
  "Great, see you then.",
  "See you soon. If it gets much worse before then, call your local emergency number.",
];

/**
 * Loads the demo accounts, appointments in every status and five chat rooms. Idempotent: when the
 * demo admin exists, nothing is written. Returns whether it wrote anything.
 */
export async function seedDemoData(db: Database, now: Date = new Date()): Promise<boolean> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    // Serialises concurrent seeders on a real server: the second one then sees the admin.
    await tx.execute(sql`select pg_advisory_xact_lock(727001)`);
    const existing = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${DEMO_ADMIN_EMAIL}`)
      .limit(1);
    if (existing.length > 0) return false;

    const [admin] = await tx
      .insert(users)
      .values({ name: "Alex Morgan", email: DEMO_ADMIN_EMAIL, passwordHash, role: "admin" })
      .returning({ id: users.id });
    const doctors = await tx
      .insert(users)
      .values(DEMO_DOCTORS.map((d) => ({ name: d.name, email: d.email, passwordHash, role: "doctor" as const })))
      .returning({ id: users.id, email: users.email });
    const patients = await tx
      .insert(users)
      .values(DEMO_PATIENTS.map((p) => ({ name: p.name, email: p.email, passwordHash, role: "patient" as const })))
      .returning({ id: users.id, email: users.email });
    const doctorId = (i: number) => doctors[i]!.id;
    const patientId = (i: number) => patients[i]!.id;

    await tx
      .insert(doctorProfiles)
      .values(
        DEMO_DOCTORS.map((d, i) => ({ userId: doctorId(i), specialty: d.specialty, bio: d.bio, timeZone: ZONE })),
      );
    await tx.insert(workingHours).values(doctors.flatMap((d) => WEEKDAY_HOURS.map((h) => ({ doctorId: d.id, ...h }))));

    type Seed = {
      patient: number;
      doctor: number;
      startsAt: Date;
      status: AppointmentStatus;
      reason: string;
      note?: string;
    };
    const plan: Seed[] = [
      // Accepted, each with a chat room (Carol with Emily Davis first).
      {
        patient: 0,
        doctor: 0,
        startsAt: at(2, 10, 0, now),
        status: "accepted",
        reason: "Chest pain on and off for two weeks.",
      },
      {
        patient: 1,
        doctor: 0,
        startsAt: at(3, 11, 30, now),
        status: "accepted",
        reason: "Follow-up on blood pressure readings.",
      },
      {
        patient: 0,
        doctor: 1,
        startsAt: at(4, 14, 0, now),
        status: "accepted",
        reason: "A rash on my arm that will not go away.",
      },
      { patient: 2, doctor: 2, startsAt: at(1, 9, 30, now), status: "accepted", reason: "Annual check-up." },
      {
        patient: 3,
        doctor: 3,
        startsAt: at(-2, 15, 0, now),
        status: "accepted",
        reason: "My son has had a cough for a week.",
      },
      // Waiting for a doctor.
      {
        patient: 0,
        doctor: 2,
        startsAt: at(5, 9, 0, now),
        status: "requested",
        reason: "I would like a general health review.",
      },
      {
        patient: 4,
        doctor: 0,
        startsAt: at(6, 13, 0, now),
        status: "requested",
        reason: "Palpitations after exercise.",
      },
      {
        patient: 1,
        doctor: 1,
        startsAt: at(3, 16, 0, now),
        status: "requested",
        reason: "Mole that has changed shape.",
      },
      // Settled ones.
      {
        patient: 4,
        doctor: 2,
        startsAt: at(2, 11, 0, now),
        status: "declined",
        reason: "Travel vaccinations.",
        note: "Please book with a travel clinic; I do not offer vaccinations.",
      },
      {
        patient: 2,
        doctor: 0,
        startsAt: at(7, 10, 30, now),
        status: "cancelled",
        reason: "Heart screening.",
        note: "Cancelled by the patient.",
      },
      { patient: 0, doctor: 0, startsAt: at(-10, 10, 0, now), status: "completed", reason: "Routine ECG." },
      { patient: 3, doctor: 2, startsAt: at(-5, 12, 0, now), status: "completed", reason: "Sore throat." },
    ];
    const rows = await tx
      .insert(appointments)
      .values(
        plan.map((p) => ({
          patientId: patientId(p.patient),
          doctorId: doctorId(p.doctor),
          startsAt: p.startsAt,
          status: p.status,
          reason: p.reason,
          decisionNote: p.note ?? null,
        })),
      )
      .returning({
        id: appointments.id,
        patientId: appointments.patientId,
        doctorId: appointments.doctorId,
        status: appointments.status,
      });

    await tx.insert(auditEvents).values(
      rows.map((r) => ({
        actorId: admin!.id,
        action: "seed.appointment",
        targetType: "appointment",
        targetId: r.id,
        detail: { status: r.status },
      })),
    );

    const accepted = rows.filter((r) => r.status === "accepted");
    for (const [index, appointment] of accepted.entries()) {
      const firstAt = new Date(now.getTime() - (accepted.length - index) * 3_600_000 - CONVERSATION.length * 120_000);
      const lastAt = new Date(firstAt.getTime() + (CONVERSATION.length - 1) * 120_000);
      const [room] = await tx
        .insert(chatRooms)
        .values({
          appointmentId: appointment.id,
          lastSeq: CONVERSATION.length,
          lastActivityAt: lastAt,
          createdAt: firstAt,
        })
        .returning({ id: chatRooms.id });
      // Some unread on each side: the patient has read up to 7 (doctor's 8 and 10 unread),
      // the doctor up to 5 (the patient's 7 and 9 unread).
      await tx.insert(roomMembers).values([
        { roomId: room!.id, userId: appointment.patientId, lastReadSeq: 7 },
        { roomId: room!.id, userId: appointment.doctorId, lastReadSeq: 5 },
      ]);
      await tx.insert(messages).values(
        CONVERSATION.map((body, i) => ({
          roomId: room!.id,
          seq: i + 1,
          senderId: i % 2 === 0 ? appointment.patientId : appointment.doctorId,
          clientId: crypto.randomUUID(),
          body,
          createdAt: new Date(firstAt.getTime() + i * 120_000),
        })),
      );
      // Written around sendMessage, so the members' unread counts and activity are counted here.
      await recountRoomMembers(tx, [room!.id]);
    }
    return true;
  });
}
