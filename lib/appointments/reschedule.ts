import "server-only";
import { and, asc, desc, eq, gt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { appointments, chatRooms, doctorProfiles, rescheduleProposals, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { postNotice } from "@/lib/chat/notices";
import { findBookableDoctor } from "@/lib/doctors/directory";
import { DomainError, notFoundError } from "@/lib/errors";
import { jobQueue } from "@/lib/jobs/queue";
import { publishInTransaction } from "@/lib/live/hub";
import { enqueueReminders } from "@/lib/notify/appointments";
import { partyOf, type Party } from "@/lib/shared/appointment-rules";
import { doctorName } from "@/lib/shared/display-name";
import { formatDateTime } from "@/lib/shared/format";
import { slotRefusal, slotsOfDay } from "@/lib/shared/slots";
import { localDateOf, type LocalDate } from "@/lib/shared/time";
import { freeSlots } from "@/lib/doctors/free-slots";
import { declineOthersForSlot, lockSlot, type Tx } from "./requests";

/**
 * Moving an accepted appointment: one of its two people proposes a new time, the other accepts or
 * declines. The patient picks from the doctor's free slots; the doctor any slot of their working
 * hours, also past the patients' booking horizon. On accept the appointment moves (the same chat
 * room stays) and the thread records "Moved from … to …". Accepting takes the same slot lock as
 * requesting and accepting requests (lib/appointments/requests.ts), and the doctor's
 * accepted-slot unique index backs it, so a move never double-books.
 */

export const DOCTOR_HORIZON_DAYS = 365;
export const SLOT_TAKEN = "That time is already taken. Choose another time.";
export const OWN_PROPOSAL = "You proposed this time yourself: the other person answers it.";
export const NOT_ACCEPTED = "Only an accepted appointment that has not started can be moved.";

export interface ProposalResult {
  id: string;
  appointmentId: string;
  startsAt: Date;
  status: "pending" | "accepted" | "declined" | "withdrawn";
}

async function lockAppointment(tx: Tx, appointmentId: string, actorId: string, what = "That appointment") {
  const [appointment] = await tx
    .select()
    .from(appointments)
    .where(eq(appointments.id, appointmentId))
    .for("update")
    .limit(1);
  const party = appointment ? partyOf(appointment, actorId) : null;
  // Anyone but its two people: not found, whether or not it exists.
  if (!appointment || !party) throw notFoundError(what);
  return { appointment, party: party as Exclude<Party, null> };
}

function refuseUnlessMovable(appointment: { status: string; startsAt: Date }, now: Date): void {
  if (appointment.status !== "accepted" || appointment.startsAt.getTime() <= now.getTime())
    throw new DomainError("conflict", NOT_ACCEPTED);
}

async function slotTaken(tx: Tx, doctorId: string, startsAt: Date): Promise<boolean> {
  const [row] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.doctorId, doctorId),
        eq(appointments.startsAt, startsAt),
        eq(appointments.status, "accepted"),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** Why this party may not propose this time, or null. */
async function proposalRefusal(
  tx: Tx,
  party: "patient" | "doctor",
  doctorId: string,
  startsAt: Date,
  now: Date,
): Promise<string | null> {
  const doctor = await findBookableDoctor(doctorId, tx);
  if (!doctor) return "This doctor is not taking appointments at the moment.";
  if (party === "patient") {
    const refusal = slotRefusal(startsAt, doctor.hours, doctor.timeZone, now);
    if (refusal) return refusal;
  } else {
    if (startsAt.getTime() <= now.getTime()) return "That time has already passed. Choose a time in the future.";
    if (startsAt.getTime() > now.getTime() + DOCTOR_HORIZON_DAYS * 86_400_000)
      return `Choose a time within ${DOCTOR_HORIZON_DAYS} days.`;
    const inHours = slotsOfDay(localDateOf(startsAt, doctor.timeZone), doctor.hours, doctor.timeZone).some(
      (s) => s.getTime() === startsAt.getTime(),
    );
    if (!inHours) return "That time is outside your working hours. Choose a half-hour slot within them.";
  }
  if (await slotTaken(tx, doctorId, startsAt)) return SLOT_TAKEN;
  return null;
}

/** Proposes a new time; a pending proposal of the same appointment is withdrawn by it. */
export async function proposeReschedule(input: {
  actorId: string;
  appointmentId: string;
  startsAt: Date;
  now?: Date;
}): Promise<ProposalResult> {
  const now = input.now ?? new Date();
  return getDb().transaction(async (tx) => {
    const { appointment, party } = await lockAppointment(tx, input.appointmentId, input.actorId);
    refuseUnlessMovable(appointment, now);
    if (appointment.startsAt.getTime() === input.startsAt.getTime())
      throw new DomainError("invalid", "That is the appointment's current time. Choose another.", {
        startsAt: ["That is the current time."],
      });
    const refusal = await proposalRefusal(tx, party, appointment.doctorId, input.startsAt, now);
    if (refusal)
      throw new DomainError(refusal === SLOT_TAKEN ? "conflict" : "invalid", refusal, { startsAt: [refusal] });
    const withdrawn = await tx
      .update(rescheduleProposals)
      .set({ status: "withdrawn", decidedAt: now })
      .where(and(eq(rescheduleProposals.appointmentId, appointment.id), eq(rescheduleProposals.status, "pending")))
      .returning({ id: rescheduleProposals.id });
    const [row] = await tx
      .insert(rescheduleProposals)
      .values({
        appointmentId: appointment.id,
        proposerId: input.actorId,
        fromStartsAt: appointment.startsAt,
        startsAt: input.startsAt,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    await recordAudit(
      {
        actorId: input.actorId,
        action: "appointment.move_proposed",
        targetType: "appointment",
        targetId: appointment.id,
        detail: {
          proposalId: row.id,
          by: party,
          from: appointment.startsAt.toISOString(),
          to: input.startsAt.toISOString(),
          replaces: withdrawn.map((w) => w.id),
        },
      },
      tx,
    );
    await publishInTransaction(tx, [appointment.patientId, appointment.doctorId], {
      type: "appointment",
      appointmentId: appointment.id,
      status: "accepted",
    });
    return { id: row.id, appointmentId: appointment.id, startsAt: row.startsAt, status: row.status };
  });
}

export type ProposalAnswer = "accept" | "decline" | "withdraw";

/**
 * The other person accepts or declines a pending proposal; its proposer may withdraw it. Accepting
 * moves the appointment under the new slot's lock, declines requests waiting for that slot (as
 * accepting a request does), posts the system line and queues reminders for the new time (those
 * for the old time lapse by themselves).
 */
export async function answerProposal(input: {
  actorId: string;
  proposalId: string;
  answer: ProposalAnswer;
  now?: Date;
}): Promise<ProposalResult> {
  if (input.answer === "accept") await jobQueue();
  const now = input.now ?? new Date();
  try {
    return await getDb().transaction(async (tx) => {
      // Slot first, then the rows: the order requests and accepts take them in. The proposal's
      // time and the doctor never change, so reading them unlocked to pick the lock is safe.
      const [peek] = await tx
        .select({ startsAt: rescheduleProposals.startsAt, doctorId: appointments.doctorId })
        .from(rescheduleProposals)
        .innerJoin(appointments, eq(appointments.id, rescheduleProposals.appointmentId))
        .where(eq(rescheduleProposals.id, input.proposalId))
        .limit(1);
      if (!peek) throw notFoundError("That proposal");
      if (input.answer === "accept") await lockSlot(tx, peek.doctorId, peek.startsAt);
      const [proposal] = await tx
        .select()
        .from(rescheduleProposals)
        .where(eq(rescheduleProposals.id, input.proposalId))
        .limit(1);
      if (!proposal) throw notFoundError("That proposal");
      const { appointment, party } = await lockAppointment(tx, proposal.appointmentId, input.actorId, "That proposal");
      const [current] = await tx
        .select()
        .from(rescheduleProposals)
        .where(eq(rescheduleProposals.id, proposal.id))
        .for("update")
        .limit(1);
      if (!current || current.status !== "pending")
        throw new DomainError("conflict", `This proposal was already ${current?.status ?? "answered"}.`);
      const own = current.proposerId === input.actorId;
      if (input.answer === "withdraw" && !own)
        throw new DomainError("forbidden", "Only the person who proposed a time can withdraw it; decline it instead.");
      if (input.answer !== "withdraw" && own) throw new DomainError("forbidden", OWN_PROPOSAL);

      const status = input.answer === "accept" ? "accepted" : input.answer === "decline" ? "declined" : "withdrawn";
      if (input.answer === "accept") {
        refuseUnlessMovable(appointment, now);
        if (current.startsAt.getTime() <= now.getTime())
          throw new DomainError("conflict", "The proposed time has already passed. Propose another.");
        if (await slotTaken(tx, appointment.doctorId, current.startsAt)) throw new DomainError("conflict", SLOT_TAKEN);
        const declined = await declineOthersForSlot(
          tx,
          { id: appointment.id, doctorId: appointment.doctorId, startsAt: current.startsAt },
          input.actorId,
        );
        await tx.update(appointments).set({ startsAt: current.startsAt }).where(eq(appointments.id, appointment.id));
        const [room] = await tx
          .select({ id: chatRooms.id })
          .from(chatRooms)
          .where(eq(chatRooms.appointmentId, appointment.id))
          .limit(1);
        if (room) {
          const zone = await doctorZone(tx, appointment.doctorId);
          await postNotice(tx, {
            roomId: room.id,
            senderId: input.actorId,
            kind: "system",
            body: `Moved from ${formatDateTime(appointment.startsAt, zone)} to ${formatDateTime(current.startsAt, zone)}`,
          });
        }
        await enqueueReminders(tx, { ...appointment, startsAt: current.startsAt }, now);
        for (const d of declined)
          await publishInTransaction(tx, [d.patientId, d.doctorId], {
            type: "appointment",
            appointmentId: d.id,
            status: d.status,
          });
      }
      await tx
        .update(rescheduleProposals)
        .set({ status, decidedAt: now })
        .where(eq(rescheduleProposals.id, current.id));
      await recordAudit(
        {
          actorId: input.actorId,
          action: input.answer === "accept" ? "appointment.moved" : `appointment.move_${status}`,
          targetType: "appointment",
          targetId: appointment.id,
          detail: {
            proposalId: current.id,
            by: party,
            from: appointment.startsAt.toISOString(),
            to: current.startsAt.toISOString(),
          },
        },
        tx,
      );
      await publishInTransaction(tx, [appointment.patientId, appointment.doctorId], {
        type: "appointment",
        appointmentId: appointment.id,
        status: appointment.status,
      });
      return { id: current.id, appointmentId: appointment.id, startsAt: current.startsAt, status };
    });
  } catch (error) {
    if (
      isUniqueViolation(error, "appointments_doctor_accepted_slot_key") ||
      isUniqueViolation(error, "appointments_patient_open_slot_key")
    )
      throw new DomainError("conflict", SLOT_TAKEN);
    throw error;
  }
}

async function doctorZone(tx: Tx, doctorId: string): Promise<string> {
  const [row] = await tx
    .select({ timeZone: doctorProfiles.timeZone })
    .from(doctorProfiles)
    .where(eq(doctorProfiles.userId, doctorId))
    .limit(1);
  return row?.timeZone ?? "UTC";
}

export interface PendingProposalView {
  id: string;
  appointmentId: string;
  fromStartsAt: Date;
  startsAt: Date;
  createdAt: Date;
  /** Whether the viewer made it (they may withdraw it) or the other person did (they answer it). */
  mine: boolean;
  otherName: string;
}

const patientUser = alias(users, "patient_user");
const doctorUser = alias(users, "doctor_user");

/** The pending proposals of a person's upcoming accepted appointments, soonest appointment first. */
export async function pendingProposalsFor(userId: string, now: Date = new Date()): Promise<PendingProposalView[]> {
  const rows = await getDb()
    .select({
      id: rescheduleProposals.id,
      appointmentId: rescheduleProposals.appointmentId,
      fromStartsAt: appointments.startsAt,
      startsAt: rescheduleProposals.startsAt,
      createdAt: rescheduleProposals.createdAt,
      proposerId: rescheduleProposals.proposerId,
      patientId: appointments.patientId,
      patientName: patientUser.name,
      doctorName: doctorUser.name,
    })
    .from(appointments)
    .innerJoin(
      rescheduleProposals,
      and(eq(rescheduleProposals.appointmentId, appointments.id), sql`${rescheduleProposals.status} = 'pending'`),
    )
    .innerJoin(patientUser, eq(patientUser.id, appointments.patientId))
    .innerJoin(doctorUser, eq(doctorUser.id, appointments.doctorId))
    .where(
      and(
        or(eq(appointments.patientId, userId), eq(appointments.doctorId, userId)),
        sql`${appointments.status} = 'accepted'`,
        gt(appointments.startsAt, now),
      ),
    )
    .orderBy(asc(appointments.startsAt), desc(rescheduleProposals.createdAt))
    .limit(100);
  return rows.map((r) => ({
    id: r.id,
    appointmentId: r.appointmentId,
    fromStartsAt: r.fromStartsAt,
    startsAt: r.startsAt,
    createdAt: r.createdAt,
    mine: r.proposerId === userId,
    otherName: r.patientId === userId ? doctorName(r.doctorName) : r.patientName,
  }));
}

/** The free slots of one day of the doctor's, for either person of an accepted appointment to propose. */
export async function rescheduleSlots(input: {
  actorId: string;
  appointmentId: string;
  date: LocalDate;
  now?: Date;
}): Promise<Date[]> {
  const [appointment] = await getDb()
    .select({ doctorId: appointments.doctorId, startsAt: appointments.startsAt })
    .from(appointments)
    .where(
      and(
        eq(appointments.id, input.appointmentId),
        or(eq(appointments.patientId, input.actorId), eq(appointments.doctorId, input.actorId)),
        sql`${appointments.status} = 'accepted'`,
      ),
    )
    .limit(1);
  if (!appointment) throw notFoundError("That appointment");
  const slots = await freeSlots({ doctorId: appointment.doctorId, date: input.date, now: input.now });
  return slots.filter((s) => s.getTime() !== appointment.startsAt.getTime());
}

/** A proposal as the browser receives it (dates as ISO strings). */
export function toProposalJson(p: PendingProposalView) {
  return {
    id: p.id,
    fromStartsAt: p.fromStartsAt.toISOString(),
    startsAt: p.startsAt.toISOString(),
    mine: p.mine,
    otherName: p.otherName,
  };
}
