import crypto from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  appointments,
  auditEvents,
  doctorProfiles,
  messages,
  rescheduleProposals,
  users,
  workingHours,
} from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { DomainError } from "@/lib/errors";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";
import { addDays, localDateOf, zonedToUtc } from "@/lib/shared/time";
import { appointmentCalendarFor } from "./calendar";
import { requestAppointment, SLOT_GONE_NOTE, transitionAppointment } from "./requests";
import {
  answerProposal,
  NOT_ACCEPTED,
  OWN_PROPOSAL,
  pendingProposalsFor,
  proposeReschedule,
  SLOT_TAKEN,
} from "./reschedule";

const t = setupTestDatabase();
const db = () => t.handle.db;

const ZONE = "Europe/London";
/** Wednesday 14 January 2026, 12:00 in London (GMT). */
const NOW = new Date("2026-01-14T12:00:00Z");
const TODAY = localDateOf(NOW, ZONE);
const at = (days: number, time: string) => {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return zonedToUtc(addDays(TODAY, days), h * 60 + m, ZONE);
};
const THU = 1;
const MON = 5;
const TUE = 6;
const SAT = 3;

let serial = 0;
const unique = () => `${Date.now().toString(36)}-${++serial}-${crypto.randomBytes(3).toString("hex")}`;

async function makeUser(role: "patient" | "doctor" | "admin", name: string): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({ name, email: `${role}-${unique()}@example.test`, passwordHash: "not-a-real-hash", role })
    .returning({ id: users.id });
  const id = row!.id;
  if (role === "doctor") {
    await db().insert(doctorProfiles).values({ userId: id, specialty: "General Practice", bio: "", timeZone: ZONE });
    await db()
      .insert(workingHours)
      .values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: id, ...h })));
  }
  return id;
}

async function accepted(patient: string, doctor: string, startsAt: Date) {
  const { id } = await requestAppointment({
    patientId: patient,
    doctorId: doctor,
    startsAt,
    reason: "Cough.",
    now: NOW,
  });
  const r = await transitionAppointment({ actorId: doctor, appointmentId: id, action: "accept", now: NOW });
  return { id, roomId: r.roomId! };
}

const propose = (actorId: string, appointmentId: string, startsAt: Date) =>
  proposeReschedule({ actorId, appointmentId, startsAt, now: NOW });
const answer = (actorId: string, proposalId: string, a: "accept" | "decline" | "withdraw") =>
  answerProposal({ actorId, proposalId, answer: a, now: NOW });

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a DomainError, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof DomainError)) throw outcome.error;
  return outcome.error;
}

async function startOf(id: string) {
  const [r] = await db().select().from(appointments).where(eq(appointments.id, id));
  return r!;
}

async function linesOf(roomId: string) {
  return db()
    .select({ body: messages.body, kind: messages.kind, senderId: messages.senderId })
    .from(messages)
    .where(eq(messages.roomId, roomId))
    .orderBy(asc(messages.seq));
}

async function people() {
  const [patient, doctor] = await Promise.all([makeUser("patient", "Pat Jones"), makeUser("doctor", "Emily Davis")]);
  return { patient, doctor };
}

describe("rescheduling an accepted appointment", () => {
  it("a patient proposes a free slot, the doctor accepts: the appointment moves, one system line, audited", async () => {
    const { patient, doctor } = await people();
    const { id, roomId } = await accepted(patient, doctor, at(MON, "10:00"));
    const p = await propose(patient, id, at(TUE, "11:30"));
    expect(p.status).toBe("pending");
    // Both see it pending, the patient as their own.
    expect((await pendingProposalsFor(patient, NOW)).map((x) => [x.id, x.mine, x.otherName])).toEqual([
      [p.id, true, "Dr Emily Davis"],
    ]);
    expect((await pendingProposalsFor(doctor, NOW)).map((x) => [x.id, x.mine, x.otherName])).toEqual([
      [p.id, false, "Pat Jones"],
    ]);

    const done = await answer(doctor, p.id, "accept");
    expect(done.status).toBe("accepted");
    const moved = await startOf(id);
    expect(moved.startsAt.toISOString()).toBe(at(TUE, "11:30").toISOString());
    expect(moved.status).toBe("accepted");
    expect(await linesOf(roomId)).toEqual([
      {
        body: "Moved from Mon, 19 Jan 2026, 10:00 GMT to Tue, 20 Jan 2026, 11:30 GMT",
        kind: "system",
        senderId: doctor,
      },
    ]);
    const audit = await db()
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.targetId, id));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["appointment.move_proposed", "appointment.moved"]),
    );
    expect(await pendingProposalsFor(doctor, NOW)).toEqual([]);
    // "Add to calendar" reads the current time: the file follows the move, for both and no one else.
    for (const userId of [patient, doctor]) {
      const ics = await appointmentCalendarFor({ userId, appointmentId: id });
      expect(ics).toContain("DTSTART:20260120T113000Z");
      expect(ics).toContain(`UID:${id}@carebridge`);
      expect(ics).not.toContain("Cough");
    }
    const stranger = await makeUser("patient", "Stranger");
    expect((await domainError(appointmentCalendarFor({ userId: stranger, appointmentId: id }))).code).toBe("not_found");
    // The old slot is free again: another patient may request it.
    const other = await makeUser("patient", "Other");
    await expect(
      requestAppointment({ patientId: other, doctorId: doctor, startsAt: at(MON, "10:00"), reason: "x", now: NOW }),
    ).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("the doctor may propose any slot of their hours, even past the booking horizon; the patient declines", async () => {
    const { patient, doctor } = await people();
    const { id, roomId } = await accepted(patient, doctor, at(MON, "10:00"));
    const far = at(120, "09:00");
    const farDay = localDateOf(far, ZONE);
    const weekday = new Date(Date.UTC(farDay.year, farDay.month - 1, farDay.day)).getUTCDay();
    const p = await propose(doctor, id, weekday === 0 || weekday === 6 ? at(122, "09:00") : far);
    await answer(patient, p.id, "decline");
    expect((await startOf(id)).startsAt.toISOString()).toBe(at(MON, "10:00").toISOString());
    expect(await linesOf(roomId)).toEqual([]);
    const [row] = await db().select().from(rescheduleProposals).where(eq(rescheduleProposals.id, p.id));
    expect(row!.status).toBe("declined");
  });

  it("refusals: non-member, outside free slots, own proposal, non-accepted appointment, answered twice", async () => {
    const { patient, doctor } = await people();
    const { id } = await accepted(patient, doctor, at(MON, "10:00"));
    const [stranger, admin] = await Promise.all([makeUser("patient", "Stranger"), makeUser("admin", "Admin")]);

    // Someone else's appointment: not found, whether or not it exists.
    expect((await domainError(propose(stranger, id, at(TUE, "10:00")))).code).toBe("not_found");
    expect((await domainError(propose(admin, id, at(TUE, "10:00")))).code).toBe("not_found");
    // The patient only from free slots: a Saturday, off the grid, in the past, an accepted slot.
    expect((await domainError(propose(patient, id, at(SAT, "10:00")))).code).toBe("invalid");
    expect((await domainError(propose(patient, id, at(TUE, "10:10")))).code).toBe("invalid");
    expect((await domainError(propose(patient, id, at(-1, "10:00")))).code).toBe("invalid");
    expect((await domainError(propose(patient, id, at(400, "10:00")))).code).toBe("invalid");
    const other = await makeUser("patient", "Other");
    await accepted(other, doctor, at(TUE, "09:00"));
    const taken = await domainError(propose(patient, id, at(TUE, "09:00")));
    expect([taken.code, taken.message]).toEqual(["conflict", SLOT_TAKEN]);
    // The doctor: outside working hours is refused too.
    expect((await domainError(propose(doctor, id, at(TUE, "18:00")))).code).toBe("invalid");

    const p = await propose(patient, id, at(TUE, "14:00"));
    const own = await domainError(answer(patient, p.id, "accept"));
    expect([own.code, own.message]).toEqual(["forbidden", OWN_PROPOSAL]);
    expect((await domainError(answer(doctor, p.id, "withdraw"))).code).toBe("forbidden");
    expect((await domainError(answer(stranger, p.id, "accept"))).code).toBe("not_found");
    expect((await domainError(answer(admin, p.id, "decline"))).code).toBe("not_found");
    await answer(patient, p.id, "withdraw");
    expect((await domainError(answer(doctor, p.id, "accept"))).code).toBe("conflict");

    // A new proposal replaces a pending one.
    const first = await propose(patient, id, at(TUE, "14:00"));
    const second = await propose(doctor, id, at(TUE, "15:00"));
    expect((await pendingProposalsFor(patient, NOW)).map((x) => x.id)).toEqual([second.id]);
    expect((await domainError(answer(doctor, first.id, "accept"))).code).toBe("conflict");

    // Only accepted appointments move.
    const { id: requested } = await requestAppointment({
      patientId: patient,
      doctorId: doctor,
      startsAt: at(THU, "10:00"),
      reason: "x",
      now: NOW,
    });
    const notYet = await domainError(propose(patient, requested, at(TUE, "16:00")));
    expect([notYet.code, notYet.message]).toEqual(["conflict", NOT_ACCEPTED]);
    await transitionAppointment({ actorId: patient, appointmentId: id, action: "cancel", now: NOW });
    expect((await domainError(answer(patient, second.id, "accept"))).code).toBe("conflict");
  });

  const ROUNDS = 4;

  it("two proposals for the same slot accepted at once: one moves, the other is refused cleanly", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const doctor = await makeUser("doctor", "Emily Davis");
      const [p1, p2] = await Promise.all([makeUser("patient", "A"), makeUser("patient", "B")]);
      const a = await accepted(p1, doctor, at(MON, "10:00"));
      const b = await accepted(p2, doctor, at(MON, "11:00"));
      const slot = at(TUE, "09:30");
      const pa = await propose(p1, a.id, slot);
      const pb = await propose(p2, b.id, slot);
      const results = await Promise.allSettled([answer(doctor, pa.id, "accept"), answer(doctor, pb.id, "accept")]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(failed.map((f) => f.reason instanceof DomainError && f.reason.code)).toEqual(["conflict"]);
      const there = await db()
        .select({ id: appointments.id })
        .from(appointments)
        .where(
          and(eq(appointments.doctorId, doctor), eq(appointments.startsAt, slot), eq(appointments.status, "accepted")),
        );
      expect(there).toHaveLength(1);
    }
  });

  it("a request racing an accepted move: never two at the slot; the request is refused or declined", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const doctor = await makeUser("doctor", "Emily Davis");
      const [p1, p2] = await Promise.all([makeUser("patient", "A"), makeUser("patient", "B")]);
      const a = await accepted(p1, doctor, at(MON, "10:00"));
      const slot = at(TUE, "13:00");
      const pa = await propose(p1, a.id, slot);
      const [move, req] = await Promise.allSettled([
        answer(doctor, pa.id, "accept"),
        requestAppointment({ patientId: p2, doctorId: doctor, startsAt: slot, reason: "x", now: NOW }),
      ]);
      expect(move.status).toBe("fulfilled");
      expect((await startOf(a.id)).startsAt.toISOString()).toBe(slot.toISOString());
      if (req.status === "fulfilled") {
        // It came first: the move declined it, like an accept does.
        const r = await startOf(req.value.id);
        expect([r.status, r.decisionNote]).toEqual(["declined", SLOT_GONE_NOTE]);
      } else {
        expect(req.reason).toBeInstanceOf(DomainError);
        expect((req.reason as DomainError).code).toBe("conflict");
      }
    }
  });
});
