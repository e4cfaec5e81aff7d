import { and, asc, count, desc, eq, gt, gte, inArray, lt, lte, ne, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Database } from "@/db/index";
import { isUniqueViolation } from "@/db/errors";
import { appointments, chatRooms, doctorProfiles, roomMembers, users, workingHours } from "@/db/schema";
import type { AppointmentStatus } from "@/lib/shared/model";
import {
  ACTION_TARGET,
  mayAct,
  partyOf,
  timingRefusal,
  transitionRefusal,
  type AppointmentAction,
} from "@/lib/shared/appointment-rules";
import { recordAudit } from "@/lib/audit";
import { DomainError, notFoundError } from "@/lib/errors";
import { publish } from "@/lib/live/hub";
import { bookingWindow, DEFAULT_WORKING_HOURS, slotRefusal, slotsOfDay, type WeeklyHours } from "@/lib/shared/slots";
import type { LocalDate } from "@/lib/shared/time";

export const SLOT_GONE_NOTE = "That time is no longer available";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Serialises everything that decides one doctor's slot (accepting it, requesting it) for the rest
 * of the transaction. Without it two accepts for the same time deadlock on PostgreSQL (each waits
 * on the other's row through the unique index), and a request could slip past an accept's
 * auto-decline.
 */
async function lockSlot(tx: Tx, doctorId: string, startsAt: Date): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`slot:${doctorId}:${startsAt.toISOString()}`}, 0))`,
  );
}

// ---------------------------------------------------------------- doctors

export interface DoctorCard {
  id: string;
  name: string;
  specialty: string;
  bio: string;
  timeZone: string;
}

const doctorColumns = {
  id: users.id,
  name: users.name,
  specialty: doctorProfiles.specialty,
  bio: doctorProfiles.bio,
  timeZone: doctorProfiles.timeZone,
};

/** Active doctors, optionally of one specialty and whose name contains `query`. */
export async function listDoctors(filter: { specialty?: string; query?: string } = {}): Promise<DoctorCard[]> {
  const conditions = [eq(users.active, true), eq(users.role, "doctor")];
  if (filter.specialty) conditions.push(eq(doctorProfiles.specialty, filter.specialty));
  if (filter.query) {
    const escaped = filter.query.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`${users.name} ilike ${`%${escaped}%`}`);
  }
  return getDb()
    .select(doctorColumns)
    .from(users)
    .innerJoin(doctorProfiles, eq(doctorProfiles.userId, users.id))
    .where(and(...conditions))
    .orderBy(asc(users.name));
}

export async function listSpecialties(): Promise<string[]> {
  const rows = await getDb()
    .selectDistinct({ specialty: doctorProfiles.specialty })
    .from(doctorProfiles)
    .innerJoin(users, eq(users.id, doctorProfiles.userId))
    .where(eq(users.active, true))
    .orderBy(asc(doctorProfiles.specialty));
  return rows.map((r) => r.specialty);
}

/** An active doctor with their weekly hours, or null (unknown, deactivated or not a doctor). */
export async function findBookableDoctor(
  doctorId: string,
  db: Pick<Database, "select"> = getDb(),
): Promise<(DoctorCard & { hours: WeeklyHours[] }) | null> {
  const [doctor] = await db
    .select(doctorColumns)
    .from(users)
    .innerJoin(doctorProfiles, eq(doctorProfiles.userId, users.id))
    .where(and(eq(users.id, doctorId), eq(users.active, true), eq(users.role, "doctor")))
    .limit(1);
  if (!doctor) return null;
  return { ...doctor, hours: await workingHoursOf(doctorId, db) };
}

export async function workingHoursOf(doctorId: string, db: Pick<Database, "select"> = getDb()): Promise<WeeklyHours[]> {
  return db
    .select({ weekday: workingHours.weekday, startMinute: workingHours.startMinute, endMinute: workingHours.endMinute })
    .from(workingHours)
    .where(eq(workingHours.doctorId, doctorId))
    .orderBy(asc(workingHours.weekday));
}

/** Replaces a doctor's weekly hours and time zone (validated by the caller's schema). */
export async function setWorkingHours(input: {
  doctorId: string;
  timeZone: string;
  hours: WeeklyHours[];
}): Promise<void> {
  await getDb().transaction(async (tx) => {
    const updated = await tx
      .update(doctorProfiles)
      .set({ timeZone: input.timeZone })
      .where(eq(doctorProfiles.userId, input.doctorId))
      .returning({ id: doctorProfiles.userId });
    if (updated.length === 0) throw notFoundError("That doctor");
    await tx.delete(workingHours).where(eq(workingHours.doctorId, input.doctorId));
    if (input.hours.length > 0) {
      await tx.insert(workingHours).values(input.hours.map((h) => ({ doctorId: input.doctorId, ...h })));
    }
    await recordAudit(
      {
        actorId: input.doctorId,
        action: "doctor.working_hours_changed",
        targetType: "user",
        targetId: input.doctorId,
        detail: { timeZone: input.timeZone, days: input.hours.length },
      },
      tx,
    );
  });
}

export { DEFAULT_WORKING_HOURS };

/** The free slots of one local day of the doctor's: future, within the horizon, not accepted already. */
export async function freeSlots(input: { doctorId: string; date: LocalDate; now?: Date }): Promise<Date[]> {
  const now = input.now ?? new Date();
  const doctor = await findBookableDoctor(input.doctorId);
  if (!doctor) return [];
  const { from, to } = bookingWindow(now);
  const candidates = slotsOfDay(input.date, doctor.hours, doctor.timeZone).filter((s) => s > from && s <= to);
  if (candidates.length === 0) return [];
  const taken = await getDb()
    .select({ startsAt: appointments.startsAt })
    .from(appointments)
    .where(
      and(
        eq(appointments.doctorId, input.doctorId),
        eq(appointments.status, "accepted"),
        gte(appointments.startsAt, candidates[0]!),
        lt(appointments.startsAt, new Date(candidates[candidates.length - 1]!.getTime() + 1)),
      ),
    );
  const takenAt = new Set(taken.map((t) => t.startsAt.getTime()));
  return candidates.filter((s) => !takenAt.has(s.getTime()));
}

// ---------------------------------------------------------------- requesting

export async function requestAppointment(input: {
  patientId: string;
  doctorId: string;
  startsAt: Date;
  reason: string;
  now?: Date;
}): Promise<{ id: string }> {
  const row = await storeRequest(input);
  await publish([input.patientId, input.doctorId], { type: "appointment", appointmentId: row.id, status: "requested" });
  return row;
}

async function storeRequest(input: Parameters<typeof requestAppointment>[0]): Promise<{ id: string }> {
  const now = input.now ?? new Date();
  try {
    return await getDb().transaction(async (tx) => {
      const doctor = await findBookableDoctor(input.doctorId, tx);
      if (!doctor) throw new DomainError("not_found", "That doctor was not found or is not taking appointments.");
      const refusal = slotRefusal(input.startsAt, doctor.hours, doctor.timeZone, now);
      if (refusal) throw new DomainError("invalid", refusal, { startsAt: [refusal] });
      await lockSlot(tx, input.doctorId, input.startsAt);
      const [taken] = await tx
        .select({ id: appointments.id })
        .from(appointments)
        .where(
          and(
            eq(appointments.doctorId, input.doctorId),
            eq(appointments.startsAt, input.startsAt),
            eq(appointments.status, "accepted"),
          ),
        )
        .limit(1);
      if (taken)
        throw new DomainError("conflict", "That slot is already taken. Choose another time.", {
          startsAt: ["That slot is already taken."],
        });
      const [row] = await tx
        .insert(appointments)
        .values({
          patientId: input.patientId,
          doctorId: input.doctorId,
          startsAt: input.startsAt,
          reason: input.reason,
        })
        .returning({ id: appointments.id });
      if (!row) throw new Error("insert returned no row");
      await recordAudit(
        {
          actorId: input.patientId,
          action: "appointment.requested",
          targetType: "appointment",
          targetId: row.id,
          detail: { doctorId: input.doctorId, startsAt: input.startsAt.toISOString() },
        },
        tx,
      );
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error, "appointments_patient_open_slot_key")) {
      throw new DomainError("conflict", "You have already requested this time with this doctor.", {
        startsAt: ["You have already requested this time."],
      });
    }
    throw error;
  }
}

// ---------------------------------------------------------------- transitions

export interface TransitionResult {
  id: string;
  status: AppointmentStatus;
  roomId: string | null;
  /** Other pending requests for the same slot, declined by this accept. */
  autoDeclined: string[];
}

/**
 * Moves an appointment through one step of its life, in one transaction with the row locked, so
 * two decisions at once end with exactly one outcome. Anyone who is not allowed to act on it gets
 * not-found, whether or not it exists.
 */
export async function transitionAppointment(input: {
  actorId: string;
  appointmentId: string;
  action: AppointmentAction;
  note?: string;
  now?: Date;
}): Promise<TransitionResult> {
  const { result, notify } = await applyTransition(input);
  for (const n of notify)
    await publish([n.patientId, n.doctorId], { type: "appointment", appointmentId: n.id, status: n.status });
  return result;
}

interface StatusChange {
  id: string;
  patientId: string;
  doctorId: string;
  status: AppointmentStatus;
}

async function applyTransition(
  input: Parameters<typeof transitionAppointment>[0],
): Promise<{ result: TransitionResult; notify: StatusChange[] }> {
  const now = input.now ?? new Date();
  try {
    return await getDb().transaction(async (tx) => {
      if (input.action === "accept") {
        // Doctor and start time never change, so reading them unlocked to pick the lock is safe.
        const [slot] = await tx
          .select({ doctorId: appointments.doctorId, startsAt: appointments.startsAt })
          .from(appointments)
          .where(eq(appointments.id, input.appointmentId))
          .limit(1);
        if (slot) await lockSlot(tx, slot.doctorId, slot.startsAt);
      }
      const [appointment] = await tx
        .select()
        .from(appointments)
        .where(eq(appointments.id, input.appointmentId))
        .for("update")
        .limit(1);
      const party = appointment ? partyOf(appointment, input.actorId) : null;
      if (!appointment || !mayAct(party, input.action, appointment.status)) throw notFoundError("That appointment");

      const refusal =
        transitionRefusal(input.action, appointment.status) ?? timingRefusal(input.action, appointment.startsAt, now);
      if (refusal) throw new DomainError("conflict", refusal);
      if ((input.action === "decline" || (input.action === "cancel" && party === "doctor")) && !input.note) {
        throw new DomainError("invalid", "Add a short note for the patient.", {
          note: ["Add a short note for the patient."],
        });
      }

      const to = ACTION_TARGET[input.action];
      await tx
        .update(appointments)
        .set({ status: to, decisionNote: input.note ?? appointment.decisionNote })
        .where(eq(appointments.id, appointment.id));
      await recordAudit(
        {
          actorId: input.actorId,
          action: `appointment.${to}`,
          targetType: "appointment",
          targetId: appointment.id,
          detail: { from: appointment.status, by: party },
        },
        tx,
      );

      let roomId: string | null = null;
      let declined: StatusChange[] = [];
      if (to === "accepted") {
        roomId = await openRoom(tx, appointment);
        declined = await declineOthersForSlot(tx, appointment, input.actorId);
      }
      return {
        result: { id: appointment.id, status: to, roomId, autoDeclined: declined.map((d) => d.id) },
        notify: [
          { id: appointment.id, patientId: appointment.patientId, doctorId: appointment.doctorId, status: to },
          ...declined,
        ],
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, "appointments_doctor_accepted_slot_key")) {
      throw new DomainError(
        "conflict",
        "That slot is already taken: you have accepted another appointment at this time.",
      );
    }
    throw error;
  }
}

async function openRoom(tx: Tx, appointment: { id: string; patientId: string; doctorId: string }): Promise<string> {
  const [room] = await tx.insert(chatRooms).values({ appointmentId: appointment.id }).returning({ id: chatRooms.id });
  if (!room) throw new Error("insert returned no row");
  await tx.insert(roomMembers).values([
    { roomId: room.id, userId: appointment.patientId },
    { roomId: room.id, userId: appointment.doctorId },
  ]);
  return room.id;
}

async function declineOthersForSlot(
  tx: Tx,
  appointment: { id: string; doctorId: string; startsAt: Date },
  actorId: string,
): Promise<StatusChange[]> {
  const declined = await tx
    .update(appointments)
    .set({ status: "declined", decisionNote: SLOT_GONE_NOTE })
    .where(
      and(
        eq(appointments.doctorId, appointment.doctorId),
        eq(appointments.startsAt, appointment.startsAt),
        eq(appointments.status, "requested"),
        ne(appointments.id, appointment.id),
      ),
    )
    .returning({
      id: appointments.id,
      patientId: appointments.patientId,
      doctorId: appointments.doctorId,
      status: appointments.status,
    });
  for (const row of declined) {
    await recordAudit(
      {
        actorId,
        action: "appointment.declined",
        targetType: "appointment",
        targetId: row.id,
        detail: { from: "requested", by: "doctor", reason: "slot_taken" },
      },
      tx,
    );
  }
  return declined;
}

// ---------------------------------------------------------------- lists

export interface AppointmentView {
  id: string;
  startsAt: Date;
  status: AppointmentStatus;
  reason: string;
  decisionNote: string | null;
  createdAt: Date;
  roomId: string | null;
  patient: { id: string; name: string };
  doctor: { id: string; name: string; specialty: string };
}

const patientUser = alias(users, "patient_user");
const doctorUser = alias(users, "doctor_user");

function appointmentViews(db: Database = getDb()) {
  return db
    .select({
      id: appointments.id,
      startsAt: appointments.startsAt,
      status: appointments.status,
      reason: appointments.reason,
      decisionNote: appointments.decisionNote,
      createdAt: appointments.createdAt,
      roomId: chatRooms.id,
      patient: { id: patientUser.id, name: patientUser.name },
      doctor: {
        id: doctorUser.id,
        name: doctorUser.name,
        specialty: sql<string>`coalesce(${doctorProfiles.specialty}, '')`,
      },
    })
    .from(appointments)
    .innerJoin(patientUser, eq(patientUser.id, appointments.patientId))
    .innerJoin(doctorUser, eq(doctorUser.id, appointments.doctorId))
    .leftJoin(doctorProfiles, eq(doctorProfiles.userId, appointments.doctorId))
    .leftJoin(chatRooms, eq(chatRooms.appointmentId, appointments.id))
    .$dynamic();
}

const UPCOMING_LIMIT = 200;
const PAST_LIMIT = 100;

/** Upcoming soonest first and past most recent first, each bounded on its own so neither crowds out the other. */
async function upcomingAndPast(
  where: SQL | undefined,
  now: Date,
): Promise<{ upcoming: AppointmentView[]; past: AppointmentView[] }> {
  const [upcoming, past] = await Promise.all([
    appointmentViews()
      .where(and(where, gt(appointments.startsAt, now)))
      .orderBy(asc(appointments.startsAt))
      .limit(UPCOMING_LIMIT),
    appointmentViews()
      .where(and(where, lte(appointments.startsAt, now)))
      .orderBy(desc(appointments.startsAt))
      .limit(PAST_LIMIT),
  ]);
  return { upcoming, past };
}

/** A patient's appointments: upcoming soonest first, then past most recent first. */
export async function patientAppointments(
  patientId: string,
  now: Date = new Date(),
): Promise<{ upcoming: AppointmentView[]; past: AppointmentView[] }> {
  return upcomingAndPast(eq(appointments.patientId, patientId), now);
}

export const PENDING_PAGE_SIZE = 50;

/**
 * A doctor's future requests, the oldest asked first: the first `limit` of them and how many there
 * are in all (an index range), so a doctor with hundreds waiting sees the true number.
 */
export async function doctorPendingRequests(
  doctorId: string,
  options: { now?: Date; limit?: number } = {},
): Promise<{ rows: AppointmentView[]; total: number }> {
  const { now = new Date(), limit = PENDING_PAGE_SIZE } = options;
  // The status as a literal, not a parameter: a prepared statement's generic plan can use the
  // partial index (status = 'requested') only then; otherwise every call is planned afresh.
  const pending = and(
    eq(appointments.doctorId, doctorId),
    sql`${appointments.status} = 'requested'`,
    gte(appointments.startsAt, now),
  );
  const [rows, [total]] = await Promise.all([
    appointmentViews().where(pending).orderBy(asc(appointments.createdAt), asc(appointments.id)).limit(limit),
    getDb().select({ n: count() }).from(appointments).where(pending),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** A doctor's accepted appointments: upcoming soonest first; past ones (to mark completed) most recent first. */
export async function doctorAcceptedAppointments(
  doctorId: string,
  now: Date = new Date(),
): Promise<{ upcoming: AppointmentView[]; past: AppointmentView[] }> {
  return upcomingAndPast(and(eq(appointments.doctorId, doctorId), eq(appointments.status, "accepted")), now);
}

/** Settled history for a doctor (completed, declined, cancelled), most recent first. */
export async function doctorHistory(doctorId: string): Promise<AppointmentView[]> {
  return appointmentViews()
    .where(
      and(eq(appointments.doctorId, doctorId), inArray(appointments.status, ["completed", "declined", "cancelled"])),
    )
    .orderBy(desc(appointments.startsAt))
    .limit(100);
}
