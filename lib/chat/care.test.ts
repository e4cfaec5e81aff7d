import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, auditEvents, doctorProfiles, messages, roomMembers, users, workingHours } from "@/db/schema";
import { requestAppointment } from "@/lib/appointments/requests";
import { careSettingsOf, saveCareSettingsForm } from "@/lib/doctors/care";
import { findBookableDoctor, listDoctors } from "@/lib/doctors/directory";
import { freeSlots } from "@/lib/doctors/free-slots";
import { DomainError } from "@/lib/errors";
import { careSettingsSchema } from "@/lib/schemas/care";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";
import { addDays, localDateOf, zonedToUtc } from "@/lib/shared/time";
import { setupTestDatabase } from "@/test/db";
import { makeRoom } from "@/test/matrix/world";
import { sendMessage, threadPage } from "./messages";
import { roomForMember } from "./rooms";
import { reopenRoom } from "./window";
import { listConversations } from "./lists";
import { liveHub } from "@/lib/live/hub";
import type { LiveEvent } from "@/lib/live/events";

const t = setupTestDatabase();
const db = () => t.handle.db;
const ZONE = "Europe/London";
const DAY = 86_400_000;

let serial = 0;
async function makeUser(role: "patient" | "doctor", name: string): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({
      name,
      email: `${role}-${++serial}-${crypto.randomBytes(3).toString("hex")}@example.test`,
      passwordHash: "not-a-real-hash",
      role,
      emailVerifiedAt: new Date(),
    })
    .returning({ id: users.id });
  return row!.id;
}

async function makeDoctor(name = "Emily Davis"): Promise<string> {
  const id = await makeUser("doctor", name);
  await db().insert(doctorProfiles).values({ userId: id, specialty: "Cardiology", bio: "", timeZone: ZONE });
  await db()
    .insert(workingHours)
    .values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: id, ...h })));
  return id;
}

async function setAway(
  doctorId: string,
  from: Date,
  until: Date,
  message = "At a conference.",
  colleague = "Dr Sam Lee",
) {
  await db()
    .update(doctorProfiles)
    .set({ awayFrom: from, awayUntil: until, awayMessage: message, awayColleague: colleague })
    .where(eq(doctorProfiles.userId, doctorId));
}

const send = (roomId: string, senderId: string, body = `hello ${++serial}`) =>
  sendMessage({ roomId, senderId, clientId: crypto.randomUUID(), body });

async function linesOf(roomId: string, kind: "auto_reply" | "system" | "message") {
  return db()
    .select()
    .from(messages)
    .where(and(eq(messages.roomId, roomId), eq(messages.kind, kind)));
}

async function pastRoom(patient: string, doctor: string, daysAgo: number) {
  const room = await makeRoom(db(), patient, doctor);
  await db()
    .update(appointments)
    .set({ startsAt: new Date(Date.now() - daysAgo * DAY) })
    .where(eq(appointments.id, room.appointmentId));
  return room;
}

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

// ---------------------------------------------------------------- away notice

describe("the away notice's automatic reply", () => {
  it("answers the patient's first message in each room once, even when 20 arrive at once", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat Away");
    const a = await makeRoom(db(), patient, doctor);
    const b = await makeRoom(db(), patient, doctor);
    await setAway(doctor, new Date(Date.now() - 3_600_000), new Date(Date.now() + 7 * DAY));

    await Promise.all(Array.from({ length: 20 }, (_, i) => send(a.roomId, patient, `message ${i}`)));
    const replies = await linesOf(a.roomId, "auto_reply");
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ senderId: doctor, kind: "auto_reply" });
    expect(replies[0]!.body).toMatch(
      /^Dr Emily Davis is away and back on .+\. At a conference\. Meanwhile you can contact Dr Sam Lee\./,
    );
    // Every message kept, numbered without a gap: 2 from the fixture, 20 sent, 1 reply.
    const all = await db().select({ seq: messages.seq }).from(messages).where(eq(messages.roomId, a.roomId));
    expect(all.map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));

    // Later messages get no second reply; another room gets its own one.
    await send(a.roomId, patient);
    expect(await linesOf(a.roomId, "auto_reply")).toHaveLength(1);
    await send(b.roomId, patient);
    expect(await linesOf(b.roomId, "auto_reply")).toHaveLength(1);
    // 20 sends at once take a while on the embedded database of a busy machine.
  }, 120_000);

  it("is not sent for the doctor's own messages, nor before or after the period", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat Timing");
    const room = await makeRoom(db(), patient, doctor);

    await setAway(doctor, new Date(Date.now() + DAY), new Date(Date.now() + 3 * DAY));
    await send(room.roomId, patient, "Before the period.");
    await setAway(doctor, new Date(Date.now() - 3_600_000), new Date(Date.now() + DAY));
    await send(room.roomId, doctor, "I am writing while away myself.");
    expect(await linesOf(room.roomId, "auto_reply")).toHaveLength(0);
    // Ends by itself at `until`: a period that ended a minute ago replies no more.
    await setAway(doctor, new Date(Date.now() - 3 * DAY), new Date(Date.now() - 60_000));
    await send(room.roomId, patient, "After the period.");
    expect(await linesOf(room.roomId, "auto_reply")).toHaveLength(0);
  });

  it("answers again in a new away period", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat Twice");
    const room = await makeRoom(db(), patient, doctor);
    await setAway(doctor, new Date(Date.now() - 3_600_000), new Date(Date.now() + DAY));
    await send(room.roomId, patient);
    await send(room.roomId, patient);
    await setAway(doctor, new Date(Date.now() - 60_000), new Date(Date.now() + 2 * DAY), "Back next week.", "");
    await send(room.roomId, patient);
    const replies = await linesOf(room.roomId, "auto_reply");
    expect(replies).toHaveLength(2);
    expect(replies.at(-1)!.body).toContain("Back next week.");
    expect(replies.at(-1)!.body).not.toContain("Meanwhile");
    // The reply is unread for the patient, who sent the message before it.
    const [member] = await db()
      .select({ unread: roomMembers.unreadCount })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, room.roomId), eq(roomMembers.userId, patient)));
    expect(member!.unread).toBe(1);
  });

  it("is shown in the room view while the doctor is away", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat View");
    const room = await makeRoom(db(), patient, doctor);
    expect((await roomForMember({ roomId: room.roomId, userId: patient }))!.doctor.awayNow).toBeNull();
    await setAway(doctor, new Date(Date.now() - 60_000), new Date(Date.now() + DAY));
    expect((await roomForMember({ roomId: room.roomId, userId: patient }))!.doctor.awayNow).toMatchObject({
      message: "At a conference.",
      colleague: "Dr Sam Lee",
    });
  });

  it("refuses appointment requests for the away days with the notice, and takes them after", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat Request");
    const now = new Date("2032-01-14T12:00:00Z"); // a Wednesday
    const today = localDateOf(now, ZONE);
    const thursday10 = zonedToUtc(addDays(today, 1), 600, ZONE);
    const nextWednesday10 = zonedToUtc(addDays(today, 7), 600, ZONE);
    await setAway(doctor, zonedToUtc(addDays(today, 1), 0, ZONE), zonedToUtc(addDays(today, 5), 0, ZONE));

    const error = await refusal(
      requestAppointment({ patientId: patient, doctorId: doctor, startsAt: thursday10, reason: "Check-up.", now }),
    );
    expect(error.httpStatus).toBe(409);
    expect(error.message).toBe(
      "Dr Emily Davis is away and back on Monday, 19 January 2032. At a conference. Meanwhile you can contact Dr Sam Lee.",
    );
    expect(await db().select().from(appointments).where(eq(appointments.doctorId, doctor))).toHaveLength(0);
    // Nor are the away days offered: the first free time after is on the day they are back.
    expect(await freeSlots({ doctorId: doctor, date: addDays(today, 1), now })).toEqual([]);
    expect(await freeSlots({ doctorId: doctor, date: addDays(today, 2), now })).toEqual([]);
    expect((await freeSlots({ doctorId: doctor, date: addDays(today, 5), now }))[0]).toEqual(
      zonedToUtc(addDays(today, 5), 9 * 60, ZONE),
    );
    await requestAppointment({
      patientId: patient,
      doctorId: doctor,
      startsAt: nextWednesday10,
      reason: "Check-up.",
      now,
    });
    expect(await db().select().from(appointments).where(eq(appointments.doctorId, doctor))).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- reply window

describe("the reply window", () => {
  it("closes a room 14 days after its appointment: read-only, its messages kept, the send refused with the date", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat Late");
    const room = await pastRoom(patient, doctor, 15);
    const view = await roomForMember({ roomId: room.roomId, userId: patient });
    expect(view).toMatchObject({ open: false, closedBy: "window" });
    const [appointment] = await db().select().from(appointments).where(eq(appointments.id, room.appointmentId));
    expect(view!.closesAt.getTime()).toBe(appointment!.startsAt.getTime() + 14 * DAY);

    for (const sender of [patient, doctor]) {
      const error = await refusal(send(room.roomId, sender));
      expect(error.httpStatus).toBe(409);
      expect(error.message).toMatch(
        /^This conversation closed on \w{3}, \d+ \w{3} \d{4}, \d\d:\d\d GMT\. You can still read it/,
      );
    }
    expect((await threadPage({ roomId: room.roomId, userId: patient })).messages).toHaveLength(2);
  });

  it("follows the doctor's window: 40 days keeps a room of 30 days ago open", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat Long");
    await db().update(doctorProfiles).set({ replyWindowDays: 40 }).where(eq(doctorProfiles.userId, doctor));
    const room = await pastRoom(patient, doctor, 30);
    expect((await roomForMember({ roomId: room.roomId, userId: patient }))!.open).toBe(true);
    await send(room.roomId, patient, "Still within the window.");
  });

  it("is reopened by the room's doctor only, for their window, with a line in the thread and an audit event", async () => {
    const doctor = await makeDoctor();
    const other = await makeDoctor("Other Doctor");
    const patient = await makeUser("patient", "Pat Reopen");
    const room = await pastRoom(patient, doctor, 20);

    for (const stranger of [patient, other])
      expect((await refusal(reopenRoom({ roomId: room.roomId, doctorId: stranger }))).httpStatus).toBe(404);
    expect((await roomForMember({ roomId: room.roomId, userId: patient }))!.open).toBe(false);
    const listedClosed = async (userId: string) =>
      (await listConversations({ userId })).conversations.find((c) => c.roomId === room.roomId)?.closed;
    expect([await listedClosed(patient), await listedClosed(doctor)]).toEqual([true, true]);
    const heard: LiveEvent[] = [];
    const off = await liveHub().subscribe(patient, (event) => heard.push(event));

    const before = Date.now();
    const { reopenedUntil } = await reopenRoom({ roomId: room.roomId, doctorId: doctor });
    // The patient's open pages learn that the room takes messages again.
    await expect.poll(() => heard.some((e) => e.type === "room" && e.roomId === room.roomId)).toBe(true);
    off();
    expect([await listedClosed(patient), await listedClosed(doctor)]).toEqual([false, false]);
    expect(reopenedUntil.getTime()).toBeGreaterThanOrEqual(before + 14 * DAY - 1000);
    expect(await roomForMember({ roomId: room.roomId, userId: patient })).toMatchObject({
      open: true,
      closedBy: null,
      closesAt: reopenedUntil,
    });
    const [line] = await linesOf(room.roomId, "system");
    expect(line).toMatchObject({ senderId: doctor });
    expect(line!.body).toMatch(/^Dr Emily Davis reopened this conversation until /);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "chat.room_reopened"), eq(auditEvents.targetId, room.roomId)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(doctor);

    const sent = await send(room.roomId, patient, "Thank you for reopening.");
    expect(sent.created).toBe(true);
  });

  it("keeps a cancelled appointment's room closed for that reason, and it cannot be reopened", async () => {
    const doctor = await makeDoctor();
    const patient = await makeUser("patient", "Pat Cancelled");
    const room = await makeRoom(db(), patient, doctor);
    await db().update(appointments).set({ status: "cancelled" }).where(eq(appointments.id, room.appointmentId));
    expect(await roomForMember({ roomId: room.roomId, userId: patient })).toMatchObject({
      open: false,
      closedBy: "status",
    });
    expect((await refusal(send(room.roomId, patient))).message).toBe(
      "This conversation is closed because the appointment was cancelled. You can still read it.",
    );
    expect((await refusal(reopenRoom({ roomId: room.roomId, doctorId: doctor }))).httpStatus).toBe(409);
  });
});

// ---------------------------------------------------------------- settings

describe("care settings", () => {
  it("stores the away days as midnights in the doctor's zone, audits the change, and shows in the directory", async () => {
    const doctor = await makeDoctor("Settings Doctor");
    const input = careSettingsSchema.parse({
      replyDays: "3",
      replyWindowDays: "21",
      away: "on",
      awayFrom: "2032-07-01",
      awayUntil: "2032-07-15",
      awayMessage: " On leave. ",
      awayColleague: "Dr Sam Lee",
    });
    await saveCareSettingsForm(doctor, input);
    const stored = await careSettingsOf(doctor);
    expect(stored).toMatchObject({
      replyDays: 3,
      replyWindowDays: 21,
      away: {
        from: new Date("2032-06-30T23:00:00Z"), // midnight in London, summer time
        until: new Date("2032-07-14T23:00:00Z"),
        message: "On leave.",
        colleague: "Dr Sam Lee",
      },
    });
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.actorId, doctor));
    expect(audit.map((e) => e.action)).toContain("doctor.care_settings_changed");
    expect((await listDoctors({ query: "Settings Doctor" }))[0]).toMatchObject({ replyDays: 3, away: stored!.away });
    expect((await findBookableDoctor(doctor))!.replyDays).toBe(3);

    // Turning "away" off clears the period.
    await saveCareSettingsForm(doctor, careSettingsSchema.parse({ replyDays: "2", replyWindowDays: "14" }));
    expect((await careSettingsOf(doctor))!.away).toBeNull();
  });

  it("refuses a back date on or before the first day, and numbers out of range", () => {
    const base = { replyDays: "2", replyWindowDays: "14", away: "on", awayFrom: "2032-07-10" };
    for (const awayUntil of ["2032-07-10", "2032-07-01", "", "2032-02-30"])
      expect(careSettingsSchema.safeParse({ ...base, awayUntil }).success).toBe(false);
    for (const replyDays of ["0", "11", "1.5", "x"])
      expect(careSettingsSchema.safeParse({ ...base, awayUntil: "2032-07-11", replyDays }).success).toBe(false);
  });
});
