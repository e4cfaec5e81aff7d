import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { appointments, chatRooms, roomMembers, users } from "@/db/schema";
import { readEnv } from "@/lib/env";
import type { AppointmentStatus } from "@/lib/shared/model";
import {
  ACTION_TARGET,
  mayAct,
  NOTE_REQUIRED,
  noteRule,
  partyOf,
  timingRefusal,
  transitionRefusal,
  type AppointmentAction,
} from "@/lib/shared/appointment-rules";
import { recordAudit } from "@/lib/audit";
import { DomainError, notFoundError } from "@/lib/errors";
import { jobQueue } from "@/lib/jobs/queue";
import { publishInTransaction } from "@/lib/live/hub";
import { enqueueAppointmentEmail, enqueueReminders } from "@/lib/notify/appointments";
import { findBookableDoctor } from "@/lib/doctors/directory";
import { slotRefusal } from "@/lib/shared/slots";
import { awayAt, awayNoticeText } from "@/lib/shared/care";
import { doctorName } from "@/lib/shared/display-name";

export const SLOT_GONE_NOTE = "That time is no longer available";

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Serialises everything that decides one doctor's slot (accepting it, requesting it) for the rest
 * of the transaction. Without it two accepts for the same time deadlock on PostgreSQL (each waits
 * on the other's row through the unique index), and a request could slip past an accept's
 * auto-decline.
 */
export async function lockSlot(tx: Tx, doctorId: string, startsAt: Date): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`slot:${doctorId}:${startsAt.toISOString()}`}, 0))`,
  );
}

// ---------------------------------------------------------------- requesting

export async function requestAppointment(input: {
  patientId: string;
  doctorId: string;
  startsAt: Date;
  reason: string;
  now?: Date;
}): Promise<{ id: string }> {
  await jobQueue();
  return storeRequest(input);
}

async function storeRequest(input: Parameters<typeof requestAppointment>[0]): Promise<{ id: string }> {
  const now = input.now ?? new Date();
  try {
    return await getDb().transaction(async (tx) => {
      const doctor = await findBookableDoctor(input.doctorId, tx);
      if (!doctor) throw new DomainError("not_found", "That doctor was not found or is not taking appointments.");
      const refusal = slotRefusal(input.startsAt, doctor.hours, doctor.timeZone, now);
      if (refusal) throw new DomainError("invalid", refusal, { startsAt: [refusal] });
      // A doctor away on that day takes no requests for it; the refusal says why and until when.
      const away = awayAt(doctor.away, input.startsAt);
      if (away) {
        const notice = awayNoticeText(doctorName(doctor.name), away, doctor.timeZone);
        throw new DomainError("conflict", notice, { startsAt: [notice] });
      }
      await lockSlot(tx, input.doctorId, input.startsAt);
      await refuseUnverifiedOrFlooding(tx, input.patientId, input.doctorId, now);
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
      // The doctor hears of the request; the patient, if its time comes without an answer.
      const job = { appointmentId: row.id, startsAt: input.startsAt };
      await enqueueAppointmentEmail(tx, { ...job, event: "requested", recipientId: input.doctorId });
      await enqueueAppointmentEmail(
        tx,
        { ...job, event: "expired", recipientId: input.patientId },
        { startAfter: input.startsAt },
      );
      await publishInTransaction(tx, [input.patientId, input.doctorId], {
        type: "appointment",
        appointmentId: row.id,
        status: "requested",
      });
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

export const UNVERIFIED =
  "Confirm your email address before booking: open the link we emailed you, or send it again from your home page.";

/**
 * A patient books once their address is confirmed, and may have only so many requests waiting
 * (PENDING_REQUESTS_PER_DOCTOR with one doctor, PENDING_REQUESTS_TOTAL in all): a burst of requests
 * would bury a doctor's real ones. Counted under a lock on the patient, so requests sent at once
 * cannot all slip under the limit.
 */
async function refuseUnverifiedOrFlooding(tx: Tx, patientId: string, doctorId: string, now: Date): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`requests:${patientId}`}, 0))`);
  const [row] = await tx
    .select({
      verified: sql<boolean>`${users.emailVerifiedAt} is not null`,
      withDoctor: sql<number>`(select count(*)::int from ${appointments} a where a.patient_id = ${patientId}::uuid and a.doctor_id = ${doctorId} and a.status = 'requested' and a.starts_at > ${now.toISOString()}::timestamptz)`,
      total: sql<number>`(select count(*)::int from ${appointments} a where a.patient_id = ${patientId}::uuid and a.status = 'requested' and a.starts_at > ${now.toISOString()}::timestamptz)`,
    })
    .from(users)
    .where(eq(users.id, patientId))
    .limit(1);
  if (!row) throw notFoundError("That account");
  if (!row.verified) throw new DomainError("forbidden", UNVERIFIED);
  const env = readEnv();
  if (row.withDoctor >= env.PENDING_REQUESTS_PER_DOCTOR)
    throw new DomainError(
      "conflict",
      `You already have ${row.withDoctor} requests waiting with this doctor. Wait for an answer, or cancel one, before asking for another time.`,
    );
  if (row.total >= env.PENDING_REQUESTS_TOTAL)
    throw new DomainError(
      "conflict",
      `You already have ${row.total} requests waiting. Wait for answers, or cancel some, before asking for more.`,
    );
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
  await jobQueue();
  return applyTransition(input);
}

export interface StatusChange {
  id: string;
  patientId: string;
  doctorId: string;
  status: AppointmentStatus;
}

async function applyTransition(input: Parameters<typeof transitionAppointment>[0]): Promise<TransitionResult> {
  const now = input.now ?? new Date();
  try {
    return await getDb().transaction(async (tx) => {
      if (input.action === "accept") {
        // A request's doctor and start time never change (only accepted appointments move, see
        // reschedule.ts), so reading them unlocked to pick the lock is safe.
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
      if (party && noteRule(input.action, party) === "required" && !input.note) {
        throw new DomainError("invalid", NOTE_REQUIRED, { note: [NOTE_REQUIRED] });
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
      const changed: StatusChange[] = [
        { id: appointment.id, patientId: appointment.patientId, doctorId: appointment.doctorId, status: to },
        ...declined,
      ];
      await notifyParties(tx, input.action, party!, appointment, declined, now);
      for (const c of changed)
        await publishInTransaction(tx, [c.patientId, c.doctorId], {
          type: "appointment",
          appointmentId: c.id,
          status: c.status,
        });
      return { id: appointment.id, status: to, roomId, autoDeclined: declined.map((d) => d.id) };
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

/**
 * The emails a transition causes, queued in its transaction: the patient hears of an accept (and
 * both get a reminder the day before), a decline and the doctor's cancel; the doctor of the
 * patient's cancel. Requests declined because the slot went to another are told too.
 */
async function notifyParties(
  tx: Tx,
  action: AppointmentAction,
  party: "patient" | "doctor",
  appointment: { id: string; patientId: string; doctorId: string; startsAt: Date },
  declined: StatusChange[],
  now: Date,
): Promise<void> {
  const job = { appointmentId: appointment.id, startsAt: appointment.startsAt };
  const toPatient = { ...job, recipientId: appointment.patientId };
  switch (action) {
    case "accept":
      await enqueueAppointmentEmail(tx, { ...toPatient, event: "accepted" });
      await enqueueReminders(tx, appointment, now);
      break;
    case "decline":
      await enqueueAppointmentEmail(tx, { ...toPatient, event: "declined" });
      break;
    case "cancel":
      await enqueueAppointmentEmail(
        tx,
        party === "patient"
          ? { ...job, recipientId: appointment.doctorId, event: "cancelled-by-patient" }
          : { ...toPatient, event: "cancelled-by-doctor" },
      );
      break;
    case "complete":
      break;
  }
  for (const d of declined)
    await enqueueAppointmentEmail(tx, {
      appointmentId: d.id,
      startsAt: appointment.startsAt,
      recipientId: d.patientId,
      event: "declined",
    });
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

export async function declineOthersForSlot(
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
