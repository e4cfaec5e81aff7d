import crypto from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, auditEvents, chatRooms, doctorProfiles, roomMembers, users, workingHours } from "@/db/schema";
import type { AppointmentStatus } from "@/lib/shared/model";
import { setupTestDatabase } from "@/test/db";
import type { AppointmentAction } from "@/lib/shared/appointment-rules";
import { requestAppointment, SLOT_GONE_NOTE, transitionAppointment } from "./requests";
import {
  doctorAcceptedAppointments,
  doctorHistory,
  doctorPendingRequests,
  patientAppointments,
} from "@/lib/appointments/lists";
import { freeSlots } from "@/lib/doctors/free-slots";
import { DomainError } from "@/lib/errors";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";
import { addDays, localDateOf, zonedToUtc, type LocalDate } from "@/lib/shared/time";

const t = setupTestDatabase();
const db = () => t.handle.db;

const ZONE = "Europe/London";
/** Wednesday 14 January 2026, 12:00 in London (GMT). Every call gets this as its clock. */
const NOW = new Date("2026-01-14T12:00:00Z");
const TODAY = localDateOf(NOW, ZONE);
const MINUTE = 60_000;

/** The instant of `hh:mm` London time, `days` calendar days after NOW's date. */
function at(days: number, time: string): Date {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return zonedToUtc(addDays(TODAY, days), h * 60 + m, ZONE);
}
// Days relative to Wednesday 14 January: +1 Thu, +2 Fri, +3 Sat, +5 Mon, +6 Tue, +7 Wed.
const THU = 1;
const FRI = 2;
const SAT = 3;
const MON = 5;
const TUE = 6;

// ---------------------------------------------------------------- fixtures

let serial = 0;
const unique = () => `${Date.now().toString(36)}-${++serial}-${crypto.randomBytes(3).toString("hex")}`;

async function makePatient(name = "Test Patient"): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({ name, email: `patient-${unique()}@example.test`, passwordHash: "not-a-real-hash", role: "patient" })
    .returning({ id: users.id });
  return row!.id;
}

async function makeDoctor(options: { name?: string; timeZone?: string; active?: boolean } = {}): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({
      name: options.name ?? "Dr Test",
      email: `doctor-${unique()}@example.test`,
      passwordHash: "not-a-real-hash",
      role: "doctor",
      active: options.active ?? true,
    })
    .returning({ id: users.id });
  const id = row!.id;
  await db()
    .insert(doctorProfiles)
    .values({ userId: id, specialty: "General Practice", bio: "", timeZone: options.timeZone ?? ZONE });
  await db()
    .insert(workingHours)
    .values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: id, ...h })));
  return id;
}

async function people() {
  const [patient, doctor] = await Promise.all([makePatient(), makeDoctor()]);
  return { patient, doctor };
}

const request = (patientId: string, doctorId: string, startsAt: Date, options: { reason?: string; now?: Date } = {}) =>
  requestAppointment({
    patientId,
    doctorId,
    startsAt,
    reason: options.reason ?? "A persistent cough.",
    now: options.now ?? NOW,
  });

const act = (
  actorId: string,
  appointmentId: string,
  action: AppointmentAction,
  options: { note?: string; now?: Date } = {},
) => transitionAppointment({ actorId, appointmentId, action, note: options.note, now: options.now ?? NOW });

/** A request that the doctor has accepted (a room is opened). */
async function acceptedAppointment(patient: string, doctor: string, startsAt: Date) {
  const { id } = await request(patient, doctor, startsAt);
  const result = await act(doctor, id, "accept");
  return { id, roomId: result.roomId! };
}

/** Awaits the promise, which must reject with a DomainError, and returns that error. */
async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a DomainError, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof DomainError)) throw outcome.error;
  return outcome.error;
}

/** "DomainError code: message", or the class, PostgreSQL code and message of anything else (for readable failures). */
function describeError(error: unknown): string {
  if (error instanceof DomainError) return `DomainError ${error.code}: ${error.message}`;
  const chain: string[] = [];
  for (
    let e = error as { name?: string; code?: unknown; message?: string; cause?: unknown } | undefined;
    e && chain.length < 5;
    e = e.cause as typeof e
  ) {
    chain.push(`${e.name ?? "?"}${typeof e.code === "string" ? ` ${e.code}` : ""}: ${e.message ?? String(e)}`);
  }
  return chain.join(" <- ");
}

async function row(id: string) {
  const [r] = await db().select().from(appointments).where(eq(appointments.id, id));
  return r;
}

async function statusOf(id: string): Promise<AppointmentStatus | undefined> {
  return (await row(id))?.status;
}

async function roomsOf(appointmentId: string) {
  return db().select().from(chatRooms).where(eq(chatRooms.appointmentId, appointmentId));
}

async function membersOf(roomId: string): Promise<string[]> {
  const rows = await db()
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(eq(roomMembers.roomId, roomId));
  return rows.map((r) => r.userId).sort();
}

async function auditsFor(targetId: string) {
  return db().select().from(auditEvents).where(eq(auditEvents.targetId, targetId)).orderBy(auditEvents.id);
}

async function totals() {
  const [a] = await db().select({ n: count() }).from(appointments);
  const [e] = await db().select({ n: count() }).from(auditEvents);
  const [r] = await db().select({ n: count() }).from(chatRooms);
  const [m] = await db().select({ n: count() }).from(roomMembers);
  return { appointments: a!.n, audits: e!.n, rooms: r!.n, members: m!.n };
}

async function appointmentsOfDoctor(doctorId: string) {
  return db().select().from(appointments).where(eq(appointments.doctorId, doctorId));
}

// ---------------------------------------------------------------- requesting

describe("requestAppointment", () => {
  it("writes one requested row and an audit event", async () => {
    const { patient, doctor } = await people();
    const before = await totals();
    const startsAt = at(THU, "10:00");

    const { id } = await request(patient, doctor, startsAt, { reason: "Chest pain on and off." });

    expect(await totals()).toMatchObject({
      appointments: before.appointments + 1,
      audits: before.audits + 1,
      rooms: before.rooms,
    });
    expect(await row(id)).toMatchObject({
      id,
      patientId: patient,
      doctorId: doctor,
      status: "requested",
      reason: "Chest pain on and off.",
      decisionNote: null,
    });
    expect((await row(id))!.startsAt.toISOString()).toBe("2026-01-15T10:00:00.000Z");
    const events = await auditsFor(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: patient,
      action: "appointment.requested",
      targetType: "appointment",
      detail: { doctorId: doctor, startsAt: "2026-01-15T10:00:00.000Z" },
    });
    expect(await roomsOf(id)).toHaveLength(0);
  });

  it("books a doctor in another zone by their own hours", async () => {
    const patient = await makePatient();
    const doctor = await makeDoctor({ timeZone: "America/New_York" });
    // 10:00 in London is 05:00 in New York: outside. 09:00 New York is 14:00 UTC.
    const refused = await domainError(request(patient, doctor, at(THU, "10:00")));
    expect(refused.code).toBe("invalid");
    const { id } = await request(patient, doctor, new Date("2026-01-15T14:00:00Z"));
    expect(await statusOf(id)).toBe("requested");
  });

  describe("refuses with a clear message and writes nothing", () => {
    const OFF_GRID = "That time is not one of the doctor's appointment slots. Choose a time from the list.";
    const NO_DOCTOR = "That doctor was not found or is not taking appointments.";

    async function expectRefused(attempt: () => Promise<unknown>, code: DomainError["code"], message: string) {
      const before = await totals();
      const error = await domainError(attempt());
      expect(error.code).toBe(code);
      expect(error.message).toBe(message);
      expect(await totals()).toEqual(before);
      return error;
    }

    it("a time in the past", async () => {
      const { patient, doctor } = await people();
      const error = await expectRefused(
        () => request(patient, doctor, at(0, "10:00")),
        "invalid",
        "That time has already passed. Choose a time in the future.",
      );
      expect(error.fieldErrors).toEqual({ startsAt: ["That time has already passed. Choose a time in the future."] });
      expect(error.httpStatus).toBe(400);
      await expectRefused(
        () => request(patient, doctor, at(0, "12:00")),
        "invalid",
        "That time has already passed. Choose a time in the future.",
      );
    });

    it("an off-grid time", async () => {
      const { patient, doctor } = await people();
      await expectRefused(() => request(patient, doctor, at(THU, "10:15")), "invalid", OFF_GRID);
      await expectRefused(
        () => request(patient, doctor, new Date(at(THU, "10:00").getTime() + 1)),
        "invalid",
        OFF_GRID,
      );
    });

    it("a time outside working hours", async () => {
      const { patient, doctor } = await people();
      await expectRefused(() => request(patient, doctor, at(THU, "17:00")), "invalid", OFF_GRID);
      await expectRefused(() => request(patient, doctor, at(THU, "08:30")), "invalid", OFF_GRID);
      await expectRefused(() => request(patient, doctor, at(SAT, "10:00")), "invalid", OFF_GRID);
    });

    it("a time beyond 90 days", async () => {
      const { patient, doctor } = await people();
      // 91 days on is Wednesday 15 April 2026, a working day.
      const far = at(91, "10:00");
      expect(localDateOf(far, ZONE).weekday).toBe(3);
      await expectRefused(
        () => request(patient, doctor, far),
        "invalid",
        "Appointments can be requested up to 90 days ahead.",
      );
    });

    it("an invalid date", async () => {
      const { patient, doctor } = await people();
      await expectRefused(
        () => request(patient, doctor, new Date("nonsense")),
        "invalid",
        "Choose a time from the list.",
      );
    });

    it("an unknown doctor id", async () => {
      const patient = await makePatient();
      const error = await expectRefused(
        () => request(patient, crypto.randomUUID(), at(THU, "10:00")),
        "not_found",
        NO_DOCTOR,
      );
      expect(error.httpStatus).toBe(404);
    });

    it("a patient's id used as a doctor id", async () => {
      const patient = await makePatient();
      const other = await makePatient();
      await expectRefused(() => request(patient, other, at(THU, "10:00")), "not_found", NO_DOCTOR);
    });

    it("an admin's id used as a doctor id", async () => {
      const patient = await makePatient();
      const [admin] = await db()
        .insert(users)
        .values({ name: "Admin", email: `admin-${unique()}@example.test`, passwordHash: "x", role: "admin" })
        .returning({ id: users.id });
      await expectRefused(() => request(patient, admin!.id, at(THU, "10:00")), "not_found", NO_DOCTOR);
    });

    it("a deactivated doctor", async () => {
      const { patient, doctor } = await people();
      await db().update(users).set({ active: false }).where(eq(users.id, doctor));
      await expectRefused(() => request(patient, doctor, at(THU, "10:00")), "not_found", NO_DOCTOR);
    });

    it("a doctor with no profile", async () => {
      const patient = await makePatient();
      const [bare] = await db()
        .insert(users)
        .values({ name: "Dr Bare", email: `bare-${unique()}@example.test`, passwordHash: "x", role: "doctor" })
        .returning({ id: users.id });
      await expectRefused(() => request(patient, bare!.id, at(THU, "10:00")), "not_found", NO_DOCTOR);
    });

    it("a slot the doctor has already accepted", async () => {
      const { patient, doctor } = await people();
      const other = await makePatient();
      const startsAt = at(THU, "11:00");
      await acceptedAppointment(other, doctor, startsAt);
      const error = await expectRefused(
        () => request(patient, doctor, startsAt),
        "conflict",
        "That slot is already taken. Choose another time.",
      );
      expect(error.fieldErrors).toEqual({ startsAt: ["That slot is already taken."] });
      expect(error.httpStatus).toBe(409);
    });

    it("the same patient requesting the same slot twice", async () => {
      const { patient, doctor } = await people();
      const startsAt = at(FRI, "09:30");
      await request(patient, doctor, startsAt);
      const error = await expectRefused(
        () => request(patient, doctor, startsAt),
        "conflict",
        "You have already requested this time with this doctor.",
      );
      expect(error.fieldErrors).toEqual({ startsAt: ["You have already requested this time."] });
      expect(
        (await appointmentsOfDoctor(doctor)).filter((a) => a.startsAt.getTime() === startsAt.getTime()),
      ).toHaveLength(1);
    });
  });

  it("lets two patients request the same slot, and one patient ask again after cancelling", async () => {
    const { patient, doctor } = await people();
    const other = await makePatient();
    const startsAt = at(FRI, "10:00");
    const first = await request(patient, doctor, startsAt);
    const second = await request(other, doctor, startsAt);
    expect(first.id).not.toBe(second.id);

    await act(patient, first.id, "cancel");
    const again = await request(patient, doctor, startsAt);
    expect(await statusOf(again.id)).toBe("requested");
    expect(await statusOf(first.id)).toBe("cancelled");
  });
});

// ---------------------------------------------------------------- transitions

describe("transitionAppointment", () => {
  describe("accept", () => {
    it("opens exactly one chat room with both members and writes an audit event", async () => {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(THU, "10:00"));

      const result = await act(doctor, id, "accept");

      expect(result).toEqual({ id, status: "accepted", roomId: expect.any(String), autoDeclined: [] });
      expect(await statusOf(id)).toBe("accepted");
      const rooms = await roomsOf(id);
      expect(rooms).toHaveLength(1);
      expect(rooms[0]!.id).toBe(result.roomId);
      expect(rooms[0]!.lastSeq).toBe(0);
      expect(await membersOf(result.roomId!)).toEqual([patient, doctor].sort());
      const events = await auditsFor(id);
      expect(events.map((e) => e.action)).toEqual(["appointment.requested", "appointment.accepted"]);
      expect(events[1]).toMatchObject({
        actorId: doctor,
        targetType: "appointment",
        detail: { from: "requested", by: "doctor" },
      });
    });

    it("declines the doctor's other pending requests for the same start time, and only those", async () => {
      const doctor = await makeDoctor();
      const otherDoctor = await makeDoctor();
      const [p1, p2, p3, p4] = await Promise.all([makePatient(), makePatient(), makePatient(), makePatient()]);
      const slot = at(MON, "14:00");
      const chosen = await request(p1, doctor, slot);
      const sameTimeA = await request(p2, doctor, slot);
      const sameTimeB = await request(p3, doctor, slot);
      const otherTime = await request(p2, doctor, at(MON, "14:30"));
      const otherDay = await request(p4, doctor, at(TUE, "14:00"));
      const otherDoctorsSameTime = await request(p4, otherDoctor, slot);

      const result = await act(doctor, chosen.id, "accept");

      expect(result.autoDeclined.sort()).toEqual([sameTimeA.id, sameTimeB.id].sort());
      for (const id of [sameTimeA.id, sameTimeB.id]) {
        expect(await row(id)).toMatchObject({ status: "declined", decisionNote: SLOT_GONE_NOTE });
        expect(await roomsOf(id)).toHaveLength(0);
        const events = await auditsFor(id);
        expect(events.at(-1)).toMatchObject({
          action: "appointment.declined",
          actorId: doctor,
          detail: { from: "requested", by: "doctor", reason: "slot_taken" },
        });
      }
      expect(SLOT_GONE_NOTE).toBe("That time is no longer available");
      for (const id of [otherTime.id, otherDay.id, otherDoctorsSameTime.id]) {
        expect(await row(id)).toMatchObject({ status: "requested", decisionNote: null });
      }
      expect(await statusOf(chosen.id)).toBe("accepted");
    });

    it("leaves a cancelled request for the same time as it was", async () => {
      const { patient, doctor } = await people();
      const other = await makePatient();
      const slot = at(MON, "09:00");
      const cancelled = await request(other, doctor, slot);
      await act(other, cancelled.id, "cancel");
      const chosen = await request(patient, doctor, slot);

      const result = await act(doctor, chosen.id, "accept");
      expect(result.autoDeclined).toEqual([]);
      expect(await row(cancelled.id)).toMatchObject({ status: "cancelled", decisionNote: null });
    });

    it("refuses a request that slipped past the auto-decline when the slot is taken (the database's unique index)", async () => {
      const { patient, doctor } = await people();
      const other = await makePatient();
      const slot = at(MON, "16:00");
      await acceptedAppointment(patient, doctor, slot);
      // A request written for the same time after the accept (as a request racing the accept could be).
      const [late] = await db()
        .insert(appointments)
        .values({ patientId: other, doctorId: doctor, startsAt: slot, reason: "Late." })
        .returning({ id: appointments.id });
      const before = await totals();

      const error = await domainError(act(doctor, late!.id, "accept"));
      expect(error).toMatchObject({
        code: "conflict",
        message: "That slot is already taken: you have accepted another appointment at this time.",
      });
      expect(await totals()).toEqual(before);
      expect(await statusOf(late!.id)).toBe("requested");
      expect(await roomsOf(late!.id)).toHaveLength(0);
      // The index refuses a second accepted row however it is written.
      await expect(
        db().update(appointments).set({ status: "accepted" }).where(eq(appointments.id, late!.id)),
      ).rejects.toThrow();
    });

    it("refuses a request whose time has passed", async () => {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(THU, "10:00"));
      const error = await domainError(act(doctor, id, "accept", { now: at(THU, "10:00") }));
      expect(error).toMatchObject({ code: "conflict", message: "This request's time has already passed." });
      expect(await statusOf(id)).toBe("requested");
      expect(await roomsOf(id)).toHaveLength(0);
    });
  });

  describe("decline", () => {
    it("requires a note", async () => {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(THU, "10:00"));
      const before = await totals();
      for (const note of [undefined, ""]) {
        const error = await domainError(act(doctor, id, "decline", { note }));
        expect(error).toMatchObject({
          code: "invalid",
          message: "Add a short note for the patient.",
          fieldErrors: { note: ["Add a short note for the patient."] },
        });
      }
      expect(await totals()).toEqual(before);
      expect(await statusOf(id)).toBe("requested");
    });

    it("declines with the note, writes an audit event and opens no room", async () => {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(THU, "10:00"));
      const result = await act(doctor, id, "decline", { note: "Please book with a travel clinic." });
      expect(result).toEqual({ id, status: "declined", roomId: null, autoDeclined: [] });
      expect(await row(id)).toMatchObject({ status: "declined", decisionNote: "Please book with a travel clinic." });
      expect(await roomsOf(id)).toHaveLength(0);
      expect((await auditsFor(id)).at(-1)).toMatchObject({
        action: "appointment.declined",
        actorId: doctor,
        detail: { from: "requested", by: "doctor" },
      });
    });
  });

  describe("cancel", () => {
    it("lets the patient cancel a request without a note", async () => {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(THU, "10:00"));
      const result = await act(patient, id, "cancel");
      expect(result).toEqual({ id, status: "cancelled", roomId: null, autoDeclined: [] });
      expect(await row(id)).toMatchObject({ status: "cancelled", decisionNote: null });
      expect((await auditsFor(id)).at(-1)).toMatchObject({
        action: "appointment.cancelled",
        actorId: patient,
        detail: { from: "requested", by: "patient" },
      });
    });

    it("lets the patient cancel an accepted appointment without a note, keeping its room", async () => {
      const { patient, doctor } = await people();
      const { id, roomId } = await acceptedAppointment(patient, doctor, at(THU, "10:00"));
      await act(patient, id, "cancel");
      expect(await statusOf(id)).toBe("cancelled");
      expect((await roomsOf(id)).map((r) => r.id)).toEqual([roomId]);
    });

    it("requires the doctor's note to cancel an accepted appointment", async () => {
      const { patient, doctor } = await people();
      const { id } = await acceptedAppointment(patient, doctor, at(THU, "10:00"));
      const before = await totals();
      const error = await domainError(act(doctor, id, "cancel"));
      expect(error).toMatchObject({ code: "invalid", message: "Add a short note for the patient." });
      expect(await totals()).toEqual(before);
      expect(await statusOf(id)).toBe("accepted");

      await act(doctor, id, "cancel", { note: "I am unwell that day, sorry." });
      expect(await row(id)).toMatchObject({ status: "cancelled", decisionNote: "I am unwell that day, sorry." });
      expect((await auditsFor(id)).at(-1)).toMatchObject({
        action: "appointment.cancelled",
        actorId: doctor,
        detail: { from: "accepted", by: "doctor" },
      });
    });

    it("frees the slot: after a cancel another patient may book and be accepted", async () => {
      const { patient, doctor } = await people();
      const other = await makePatient();
      const slot = at(FRI, "15:00");
      const { id } = await acceptedAppointment(patient, doctor, slot);
      await act(doctor, id, "cancel", { note: "Rescheduling." });
      const again = await acceptedAppointment(other, doctor, slot);
      expect(await statusOf(again.id)).toBe("accepted");
    });

    it("refuses to cancel once the appointment has started", async () => {
      const { patient, doctor } = await people();
      const startsAt = at(THU, "10:00");
      const { id } = await acceptedAppointment(patient, doctor, startsAt);
      const error = await domainError(act(patient, id, "cancel", { now: new Date(startsAt.getTime() + MINUTE) }));
      expect(error).toMatchObject({
        code: "conflict",
        message: "An appointment that has started can no longer be cancelled.",
      });
      expect(await statusOf(id)).toBe("accepted");
    });
  });

  describe("complete", () => {
    it("is refused before the start and allowed once it has started", async () => {
      const { patient, doctor } = await people();
      const startsAt = at(THU, "10:00");
      const { id } = await acceptedAppointment(patient, doctor, startsAt);

      const early = await domainError(act(doctor, id, "complete"));
      expect(early).toMatchObject({
        code: "conflict",
        message: "An appointment can be marked completed once it has started.",
      });
      expect(await statusOf(id)).toBe("accepted");

      const result = await act(doctor, id, "complete", { now: new Date(startsAt.getTime() + 5 * MINUTE) });
      expect(result).toMatchObject({ id, status: "completed", roomId: null });
      expect(await statusOf(id)).toBe("completed");
      expect((await auditsFor(id)).at(-1)).toMatchObject({
        action: "appointment.completed",
        actorId: doctor,
        detail: { from: "accepted", by: "doctor" },
      });
    });
  });

  describe("illegal transitions", () => {
    it.each([
      ["accept", "accepted", "This appointment is already accepted, so it cannot be accepted."],
      ["accept", "declined", "This appointment is already declined, so it cannot be accepted."],
      ["accept", "cancelled", "This appointment is already cancelled, so it cannot be accepted."],
      ["decline", "accepted", "This appointment is already accepted, so it cannot be declined."],
      ["complete", "requested", "Only an accepted appointment can be marked completed."],
      ["complete", "completed", "This appointment is already completed, so it cannot be marked completed."],
      ["cancel", "completed", "This appointment is already completed, so it cannot be cancelled."],
      ["cancel", "declined", "This appointment is already declined, so it cannot be cancelled."],
    ] as const)("the doctor may not %s an appointment that is %s", async (action, status, message) => {
      const { patient, doctor } = await people();
      const startsAt = at(THU, "10:00");
      const { id } = await request(patient, doctor, startsAt);
      const later = new Date(startsAt.getTime() + MINUTE);
      // Bring it to the status under test through the real transitions.
      if (status === "accepted" || status === "completed") await act(doctor, id, "accept");
      if (status === "completed") await act(doctor, id, "complete", { now: later });
      if (status === "declined") await act(doctor, id, "decline", { note: "No." });
      if (status === "cancelled") await act(patient, id, "cancel");
      expect(await statusOf(id)).toBe(status);

      // The patient cancels; the doctor does everything else. Completing is tried after the start.
      const actor = action === "cancel" && status !== "completed" ? patient : doctor;
      const before = await totals();
      const error = await domainError(
        act(actor, id, action, { note: "A note.", now: action === "complete" ? later : NOW }),
      );
      expect(error.code).toBe("conflict");
      expect(error.message).toBe(message);
      expect(await totals()).toEqual(before);
      expect(await statusOf(id)).toBe(status);
    });

    it("the patient may not cancel twice", async () => {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(THU, "10:00"));
      await act(patient, id, "cancel");
      const error = await domainError(act(patient, id, "cancel"));
      expect(error).toMatchObject({
        code: "conflict",
        message: "This appointment is already cancelled, so it cannot be cancelled.",
      });
    });
  });

  describe("authorization: anyone not allowed gets the same not-found", () => {
    const NOT_FOUND = { code: "not_found", message: "That appointment was not found." };

    async function setup() {
      const { patient, doctor } = await people();
      const [otherPatient, otherDoctor] = await Promise.all([makePatient(), makeDoctor()]);
      const startsAt = at(THU, "10:00");
      const requested = await request(patient, doctor, startsAt);
      const accepted = await acceptedAppointment(patient, doctor, at(THU, "11:00"));
      return { patient, doctor, otherPatient, otherDoctor, requested: requested.id, accepted: accepted.id, startsAt };
    }

    async function expectNotFound(attempt: () => Promise<unknown>, ids: string[]) {
      const before = await totals();
      const rows = await db().select().from(appointments).where(inArray(appointments.id, ids));
      const error = await domainError(attempt());
      expect({ code: error.code, message: error.message }).toEqual(NOT_FOUND);
      expect(error.httpStatus).toBe(404);
      expect(await totals()).toEqual(before);
      expect(await db().select().from(appointments).where(inArray(appointments.id, ids))).toEqual(rows);
      return error;
    }

    it("another doctor can do nothing to it", async () => {
      const s = await setup();
      for (const action of ["accept", "decline", "cancel", "complete"] as const) {
        await expectNotFound(() => act(s.otherDoctor, s.requested, action, { note: "Not mine." }), [s.requested]);
        await expectNotFound(
          () =>
            act(s.otherDoctor, s.accepted, action, {
              note: "Not mine.",
              now: action === "complete" ? new Date(s.startsAt.getTime() + 2 * 3_600_000) : NOW,
            }),
          [s.accepted],
        );
      }
    });

    it("another patient can do nothing to it", async () => {
      const s = await setup();
      for (const action of ["accept", "decline", "cancel", "complete"] as const) {
        await expectNotFound(() => act(s.otherPatient, s.requested, action, { note: "Not mine." }), [s.requested]);
        await expectNotFound(() => act(s.otherPatient, s.accepted, action, { note: "Not mine." }), [s.accepted]);
      }
    });

    it("the patient cannot accept, decline or complete their own appointment", async () => {
      const s = await setup();
      for (const action of ["accept", "decline", "complete"] as const) {
        await expectNotFound(() => act(s.patient, s.requested, action, { note: "Me." }), [s.requested]);
        await expectNotFound(
          () =>
            act(s.patient, s.accepted, action, { note: "Me.", now: new Date(s.startsAt.getTime() + 2 * 3_600_000) }),
          [s.accepted],
        );
      }
      expect(await statusOf(s.requested)).toBe("requested");
      expect(await roomsOf(s.requested)).toHaveLength(0);
    });

    it("the doctor cannot cancel a request that is still waiting (they decline it)", async () => {
      const s = await setup();
      await expectNotFound(() => act(s.doctor, s.requested, "cancel", { note: "No." }), [s.requested]);
    });

    it("an unknown id gives exactly the same error", async () => {
      const s = await setup();
      const forged = await domainError(act(s.doctor, crypto.randomUUID(), "accept"));
      const stranger = await domainError(act(s.otherDoctor, s.requested, "accept"));
      expect(forged).toBeInstanceOf(DomainError);
      expect({ code: forged.code, message: forged.message, fieldErrors: forged.fieldErrors }).toEqual({
        code: stranger.code,
        message: stranger.message,
        fieldErrors: stranger.fieldErrors,
      });
      expect(forged.code).toBe("not_found");
      await expectNotFound(() => act(s.patient, crypto.randomUUID(), "cancel"), []);
    });

    it("checks who is asking before the status or the note, so nothing leaks", async () => {
      const s = await setup();
      // A settled appointment, and a decline without a note: a stranger still just gets not-found.
      await act(s.patient, s.requested, "cancel");
      await expectNotFound(() => act(s.otherDoctor, s.requested, "accept"), [s.requested]);
      await expectNotFound(() => act(s.otherDoctor, s.accepted, "decline"), [s.accepted]);
    });
  });
});

// ---------------------------------------------------------------- races

describe("races", () => {
  const ROUNDS = 5;

  function outcomes<T>(results: PromiseSettledResult<T>[]) {
    const fulfilled = results.filter((r): r is PromiseFulfilledResult<T> => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    return { fulfilled, rejected, reasons: rejected.map((r) => r.reason as unknown) };
  }

  it("two accepts of the same request at once: one wins, one room", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(THU + (round % 2), "10:00"));

      const { fulfilled, reasons } = outcomes(
        await Promise.allSettled([act(doctor, id, "accept"), act(doctor, id, "accept")]),
      );

      expect(fulfilled).toHaveLength(1);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toBeInstanceOf(DomainError);
      expect(reasons[0]).toMatchObject({
        code: "conflict",
        message: "This appointment is already accepted, so it cannot be accepted.",
      });
      expect(await statusOf(id)).toBe("accepted");
      const rooms = await roomsOf(id);
      expect(rooms).toHaveLength(1);
      expect(rooms[0]!.id).toBe(fulfilled[0]!.value.roomId);
      expect(await membersOf(rooms[0]!.id)).toEqual([patient, doctor].sort());
      expect((await auditsFor(id)).filter((e) => e.action === "appointment.accepted")).toHaveLength(1);
    }
  });

  it("accept racing the patient's cancel: one serial outcome, ending cancelled, with a room only if the accept went first", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(FRI, "11:00"));

      // Alternate which call starts first.
      const accept = () => act(doctor, id, "accept");
      const cancel = () => act(patient, id, "cancel");
      const [acceptResult, cancelResult] =
        round % 2 === 0
          ? await Promise.allSettled([accept(), cancel()])
          : (await Promise.allSettled([cancel(), accept()])).reverse();

      const rooms = await roomsOf(id);
      const events = (await auditsFor(id)).map((e) => e.action).filter((a) => a !== "appointment.requested");
      expect(rooms.length).toBeLessThanOrEqual(1);
      // The patient may cancel a requested or an accepted appointment, so the cancel always
      // goes through; the accept either wins first (and is then cancelled) or loses cleanly.
      expect(cancelResult!.status).toBe("fulfilled");
      expect(await statusOf(id)).toBe("cancelled");
      if (acceptResult!.status === "fulfilled") {
        // Serial order accept → cancel: the room was opened once, with both members.
        expect(events).toEqual(["appointment.accepted", "appointment.cancelled"]);
        expect(rooms.map((r) => r.id)).toEqual([acceptResult!.value.roomId]);
        expect(await membersOf(rooms[0]!.id)).toEqual([patient, doctor].sort());
      } else {
        // Serial order cancel → accept: the accept is refused and no room exists.
        expect(acceptResult!.reason).toBeInstanceOf(DomainError);
        expect(acceptResult!.reason).toMatchObject({
          code: "conflict",
          message: "This appointment is already cancelled, so it cannot be accepted.",
        });
        expect(events).toEqual(["appointment.cancelled"]);
        expect(rooms).toHaveLength(0);
      }
    }
  });

  it("accept racing decline of the same request: exactly one wins", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { patient, doctor } = await people();
      const { id } = await request(patient, doctor, at(FRI, "14:00"));
      const calls = [() => act(doctor, id, "accept"), () => act(doctor, id, "decline", { note: "Not available." })];
      if (round % 2 === 1) calls.reverse();
      const { fulfilled, reasons } = outcomes(await Promise.allSettled(calls.map((c) => c())));

      expect(fulfilled).toHaveLength(1);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toBeInstanceOf(DomainError);
      expect((reasons[0] as DomainError).code).toBe("conflict");
      const status = await statusOf(id);
      expect(fulfilled[0]!.value.status).toBe(status);
      expect(await roomsOf(id)).toHaveLength(status === "accepted" ? 1 : 0);
      const events = (await auditsFor(id)).map((e) => e.action).filter((a) => a !== "appointment.requested");
      expect(events).toEqual([`appointment.${status}`]);
    }
  });

  it("two requests for the same doctor and time accepted at once: never two accepted, the loser refused cleanly", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const doctor = await makeDoctor();
      const [p1, p2] = await Promise.all([makePatient(), makePatient()]);
      const slot = at(MON, "10:00");
      const a = await request(p1, doctor, slot);
      const b = await request(p2, doctor, slot);

      const results = await Promise.allSettled([act(doctor, a.id, "accept"), act(doctor, b.id, "accept")]);
      const { fulfilled, reasons } = outcomes(results);

      // The table: exactly one accepted row for this doctor and time, with one room.
      const rows = await db()
        .select({ id: appointments.id, status: appointments.status, decisionNote: appointments.decisionNote })
        .from(appointments)
        .where(and(eq(appointments.doctorId, doctor), eq(appointments.startsAt, slot)));
      const accepted = rows.filter((r) => r.status === "accepted");
      expect(accepted).toHaveLength(1);
      const winnerId = accepted[0]!.id;
      const loserId = winnerId === a.id ? b.id : a.id;
      expect(await roomsOf(winnerId)).toHaveLength(1);
      expect(await roomsOf(loserId)).toHaveLength(0);
      // The loser was still pending when the winner committed, so the auto-decline settled it.
      expect(rows.find((r) => r.id === loserId)).toMatchObject({ status: "declined", decisionNote: SLOT_GONE_NOTE });

      // The calls: one fulfilled (the winner), the other a clear conflict, never a raw database error.
      expect(fulfilled.map((f) => f.value.id)).toEqual([winnerId]);
      expect(reasons.map(describeError)).toEqual([expect.stringMatching(/^DomainError conflict: /)]);
      expect([
        "That slot is already taken: you have accepted another appointment at this time.",
        "This appointment is already declined, so it cannot be accepted.",
      ]).toContain((reasons[0] as DomainError).message);
    }
  });

  it("many patients requesting the same slot at once all get in, and one accept settles them all", async () => {
    const doctor = await makeDoctor();
    const patients = await Promise.all(Array.from({ length: 6 }, () => makePatient()));
    const slot = at(TUE, "15:30");
    const results = await Promise.allSettled(patients.map((p) => request(p, doctor, slot)));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const ids = results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);

    const result = await act(doctor, ids[3]!, "accept");
    expect(result.autoDeclined.sort()).toEqual(ids.filter((_, i) => i !== 3).sort());
    const rows = await appointmentsOfDoctor(doctor);
    expect(rows.filter((r) => r.status === "accepted")).toHaveLength(1);
    expect(rows.filter((r) => r.status === "declined")).toHaveLength(5);
  });

  it("the same patient double-submitting a request at once gets one row and a conflict", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { patient, doctor } = await people();
      const slot = at(THU, "13:00");
      const { fulfilled, reasons } = outcomes(
        await Promise.allSettled([request(patient, doctor, slot), request(patient, doctor, slot)]),
      );
      expect(fulfilled).toHaveLength(1);
      expect(reasons[0]).toBeInstanceOf(DomainError);
      expect(reasons[0]).toMatchObject({
        code: "conflict",
        message: "You have already requested this time with this doctor.",
      });
      expect(await appointmentsOfDoctor(doctor)).toHaveLength(1);
    }
  });
});

// ---------------------------------------------------------------- lists

describe("patientAppointments", () => {
  it("splits upcoming and past around now, with rooms for accepted ones and only this patient's", async () => {
    const { patient, doctor } = await people();
    const other = await makePatient();
    const weekAgo = new Date(NOW.getTime() - 7 * 24 * 3_600_000);

    // Two in the past, booked and decided a week ago.
    const pastAccepted = await request(patient, doctor, at(-1, "10:00"), { now: weekAgo });
    const pastAcceptedRoom = (await act(doctor, pastAccepted.id, "accept", { now: weekAgo })).roomId;
    const pastDeclined = await request(patient, doctor, at(-2, "15:00"), { now: weekAgo });
    await act(doctor, pastDeclined.id, "decline", { note: "Fully booked." });
    // Three upcoming, created out of time order.
    const later = await request(patient, doctor, at(FRI, "16:00"));
    const soon = await acceptedAppointment(patient, doctor, at(0, "12:30"));
    const middle = await request(patient, doctor, at(THU, "09:00"));
    await request(other, doctor, at(THU, "09:30"));

    const { upcoming, past } = await patientAppointments(patient, NOW);

    expect(upcoming.map((a) => a.id)).toEqual([soon.id, middle.id, later.id]);
    expect(past.map((a) => a.id)).toEqual([pastAccepted.id, pastDeclined.id]);
    expect(upcoming[0]).toMatchObject({
      status: "accepted",
      roomId: soon.roomId,
      patient: { id: patient, name: "Test Patient" },
      doctor: { id: doctor, name: "Dr Test", specialty: "General Practice" },
    });
    expect(upcoming[1]).toMatchObject({ status: "requested", roomId: null });
    expect(past[0]).toMatchObject({ status: "accepted", roomId: pastAcceptedRoom });
    expect(past[1]).toMatchObject({ status: "declined", roomId: null, decisionNote: "Fully booked." });
    expect([...upcoming, ...past].every((a) => a.patient.id === patient)).toBe(true);

    // Moved on an hour, the 12:30 one has started and counts as past.
    const moved = await patientAppointments(patient, at(0, "13:30"));
    expect(moved.upcoming.map((a) => a.id)).toEqual([middle.id, later.id]);
    expect(moved.past.map((a) => a.id)).toEqual([soon.id, pastAccepted.id, pastDeclined.id]);
  });

  it("is empty for a patient with no appointments", async () => {
    expect(await patientAppointments(await makePatient(), NOW)).toEqual({ upcoming: [], past: [] });
  });
});

describe("doctorAcceptedAppointments", () => {
  it("lists only this doctor's accepted appointments, upcoming soonest first and past most recent first", async () => {
    const { patient, doctor } = await people();
    const otherDoctor = await makeDoctor();
    const weekAgo = new Date(NOW.getTime() - 7 * 24 * 3_600_000);

    const pastAccepted = await request(patient, doctor, at(-1, "10:00"), { now: weekAgo });
    await act(doctor, pastAccepted.id, "accept", { now: weekAgo });
    const olderAccepted = await request(patient, doctor, at(-2, "10:00"), { now: weekAgo });
    await act(doctor, olderAccepted.id, "accept", { now: weekAgo });
    const pastDeclined = await request(patient, doctor, at(-1, "15:00"), { now: weekAgo });
    await act(doctor, pastDeclined.id, "decline", { note: "Fully booked.", now: weekAgo });
    const later = await acceptedAppointment(patient, doctor, at(FRI, "16:00"));
    const soon = await acceptedAppointment(patient, doctor, at(0, "12:30"));
    await request(patient, doctor, at(THU, "09:00"));
    await acceptedAppointment(patient, otherDoctor, at(THU, "10:00"));

    const { upcoming, past } = await doctorAcceptedAppointments(doctor, NOW);

    expect(upcoming.map((a) => a.id)).toEqual([soon.id, later.id]);
    expect(past.map((a) => a.id)).toEqual([pastAccepted.id, olderAccepted.id]);
    expect(upcoming[0]).toMatchObject({ status: "accepted", roomId: soon.roomId, doctor: { id: doctor } });
    // The same statements again (prepared, so the second run may use a generic plan) with another now.
    const moved = await doctorAcceptedAppointments(doctor, at(0, "13:30"));
    expect(moved.upcoming.map((a) => a.id)).toEqual([later.id]);
    expect(moved.past.map((a) => a.id)).toEqual([soon.id, pastAccepted.id, olderAccepted.id]);
    expect(await doctorAcceptedAppointments(await makeDoctor(), NOW)).toEqual({ upcoming: [], past: [] });
  });
});

describe("doctorPendingRequests", () => {
  it("lists only this doctor's future requests, oldest created first", async () => {
    const doctor = await makeDoctor();
    const otherDoctor = await makeDoctor();
    const [p1, p2, p3] = await Promise.all([makePatient(), makePatient(), makePatient()]);

    const latestSlot = await request(p1, doctor, at(TUE, "10:00"));
    const earliestSlot = await request(p2, doctor, at(THU, "10:00"));
    const middleSlot = await request(p3, doctor, at(FRI, "10:00"));
    // Creation order, stated explicitly so the test does not rest on clock resolution:
    // the one for the latest time was asked first, the earliest-time one last.
    const created = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);
    await db()
      .update(appointments)
      .set({ createdAt: created(30) })
      .where(eq(appointments.id, latestSlot.id));
    await db()
      .update(appointments)
      .set({ createdAt: created(20) })
      .where(eq(appointments.id, middleSlot.id));
    await db()
      .update(appointments)
      .set({ createdAt: created(10) })
      .where(eq(appointments.id, earliestSlot.id));

    // Not listed: another doctor's, an accepted one, a declined one, a cancelled one, one whose time has passed.
    await request(p1, otherDoctor, at(THU, "11:00"));
    await acceptedAppointment(p2, doctor, at(MON, "11:00"));
    const declined = await request(p3, doctor, at(MON, "12:00"));
    await act(doctor, declined.id, "decline", { note: "No." });
    const cancelled = await request(p3, doctor, at(MON, "12:30"));
    await act(p3, cancelled.id, "cancel");
    const stale = await request(p1, doctor, at(0, "13:00"));
    await db()
      .update(appointments)
      .set({ createdAt: created(5) })
      .where(eq(appointments.id, stale.id));

    const { rows: list, total } = await doctorPendingRequests(doctor, { now: NOW });
    expect(list.map((a) => a.id)).toEqual([latestSlot.id, middleSlot.id, earliestSlot.id, stale.id]);
    expect(total).toBe(4);
    expect(list.every((a) => a.status === "requested" && a.doctor.id === doctor)).toBe(true);
    expect(list[0]).toMatchObject({ patient: { id: p1 }, reason: "A persistent cough.", roomId: null });

    // Once its time has passed, a request drops off the list.
    const afterStale = await doctorPendingRequests(doctor, { now: at(0, "13:30") });
    expect(afterStale.rows.map((a) => a.id)).toEqual([latestSlot.id, middleSlot.id, earliestSlot.id]);
    expect(afterStale.total).toBe(3);
    expect((await doctorPendingRequests(otherDoctor, { now: NOW })).rows).toHaveLength(1);

    // A page shorter than the list: the oldest first, and the true number of all of them.
    expect(await doctorPendingRequests(doctor, { now: NOW, limit: 2 })).toMatchObject({
      rows: [{ id: latestSlot.id }, { id: middleSlot.id }],
      total: 4,
    });
  });
});

describe("doctorHistory", () => {
  it("lists only this doctor's settled appointments (completed, declined, cancelled), latest time first", async () => {
    const doctor = await makeDoctor();
    const otherDoctor = await makeDoctor();
    const [p1, p2] = await Promise.all([makePatient(), makePatient()]);

    const completed = await acceptedAppointment(p1, doctor, at(MON, "10:00"));
    await act(doctor, completed.id, "complete", { now: at(MON, "11:00") });
    const declined = await request(p2, doctor, at(THU, "10:00"));
    await act(doctor, declined.id, "decline", { note: "Not this week." });
    const cancelled = await acceptedAppointment(p2, doctor, at(TUE, "10:00"));
    await act(p2, cancelled.id, "cancel", { note: "Feeling better." });
    // Not settled, or not this doctor's.
    await acceptedAppointment(p1, doctor, at(FRI, "10:00"));
    await request(p1, doctor, at(FRI, "11:00"));
    const elsewhere = await request(p1, otherDoctor, at(THU, "11:00"));
    await act(otherDoctor, elsewhere.id, "decline", { note: "Fully booked." });

    const history = await doctorHistory(doctor);
    // Tuesday's, Monday's, then Thursday's (the days count from the test's now).
    expect(history.map((a) => [a.id, a.status])).toEqual([
      [cancelled.id, "cancelled"],
      [completed.id, "completed"],
      [declined.id, "declined"],
    ]);
    expect(history[1]).toMatchObject({ patient: { id: p1 }, doctor: { id: doctor }, roomId: completed.roomId });
    // The same prepared statement again, for another doctor.
    expect((await doctorHistory(otherDoctor)).map((a) => a.id)).toEqual([elsewhere.id]);
    expect(await doctorHistory(await makeDoctor())).toEqual([]);
  });
});

describe("freeSlots", () => {
  it("leaves out the slots the doctor has accepted, but not mere requests", async () => {
    const { patient, doctor } = await people();
    const thursday: LocalDate = addDays(TODAY, THU);
    const all = await freeSlots({ doctorId: doctor, date: thursday, now: NOW });
    expect(all).toHaveLength(16);
    expect(all[0]!.toISOString()).toBe("2026-01-15T09:00:00.000Z");

    await acceptedAppointment(patient, doctor, at(THU, "11:00"));
    await request(await makePatient(), doctor, at(THU, "11:30"));
    const cancelled = await acceptedAppointment(await makePatient(), doctor, at(THU, "12:00"));
    await act(doctor, cancelled.id, "cancel", { note: "Away." });

    const free = await freeSlots({ doctorId: doctor, date: thursday, now: NOW });
    expect(free).toHaveLength(15);
    const times = free.map((s) => s.toISOString());
    expect(times).not.toContain("2026-01-15T11:00:00.000Z");
    expect(times).toContain("2026-01-15T11:30:00.000Z");
    expect(times).toContain("2026-01-15T12:00:00.000Z");
  });

  it("does not let another doctor's accepted slot block this one", async () => {
    const { patient, doctor } = await people();
    const other = await makeDoctor();
    await acceptedAppointment(patient, other, at(THU, "10:00"));
    expect(await freeSlots({ doctorId: doctor, date: addDays(TODAY, THU), now: NOW })).toHaveLength(16);
  });

  it("leaves out the slots that have passed today", async () => {
    const doctor = await makeDoctor();
    const today = (await freeSlots({ doctorId: doctor, date: TODAY, now: NOW })).map((s) => s.toISOString());
    // 12:00 itself has started; 12:30 to 16:30 remain.
    expect(today).toHaveLength(9);
    expect(today[0]).toBe("2026-01-14T12:30:00.000Z");
    expect(today.at(-1)).toBe("2026-01-14T16:30:00.000Z");
    expect(await freeSlots({ doctorId: doctor, date: addDays(TODAY, -1), now: NOW })).toEqual([]);
  });

  it("gives nothing on a day off, beyond 90 days, or for an unknown or deactivated doctor", async () => {
    const doctor = await makeDoctor();
    expect(await freeSlots({ doctorId: doctor, date: addDays(TODAY, SAT), now: NOW })).toEqual([]);
    expect(await freeSlots({ doctorId: doctor, date: addDays(TODAY, 91), now: NOW })).toEqual([]);
    expect(await freeSlots({ doctorId: crypto.randomUUID(), date: addDays(TODAY, THU), now: NOW })).toEqual([]);
    const inactive = await makeDoctor({ active: false });
    expect(await freeSlots({ doctorId: inactive, date: addDays(TODAY, THU), now: NOW })).toEqual([]);
  });

  it("uses the doctor's time zone", async () => {
    const doctor = await makeDoctor({ timeZone: "America/New_York" });
    const slots = await freeSlots({ doctorId: doctor, date: addDays(TODAY, THU), now: NOW });
    expect(slots).toHaveLength(16);
    expect(slots[0]!.toISOString()).toBe("2026-01-15T14:00:00.000Z");
  });
});
