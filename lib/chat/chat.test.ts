import crypto from "node:crypto";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pgError } from "@/db/errors";
import { DEMO_DOCTORS, DEMO_PATIENTS, seedDemoData } from "@/db/seed";
import { appointments, chatRooms, doctorProfiles, messages, roomMembers, users, workingHours } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { requestAppointment, transitionAppointment } from "@/lib/appointments/requests";
import { recountRoomMembers } from "./member-state";
import { postNotice } from "./notices";
import { markRead, messagesAfter, PAGE_SIZE, POLL_LIMIT, sendMessage, threadPage } from "./messages";
import { listConversations, unreadTotal } from "@/lib/chat/lists";
import { roomForMember } from "@/lib/chat/rooms";
import { DomainError } from "@/lib/errors";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";
import { addDays, localDateOf, zonedToUtc } from "@/lib/shared/time";

const t = setupTestDatabase();
const db = () => t.handle.db;

const ZONE = "Europe/London";
/**
 * Wednesday 14 January 2032, 12:00 in London. Appointment calls get this as their clock; it lies ahead
 * of the real one so the rooms made here are within their reply window (sending reads the real clock).
 */
const NOW = new Date("2032-01-14T12:00:00Z");
const TODAY = localDateOf(NOW, ZONE);
/** The instant of `hh:mm` London time, `days` calendar days after NOW's date. */
function at(days: number, time: string): Date {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return zonedToUtc(addDays(TODAY, days), h * 60 + m, ZONE);
}
const THURSDAY_10 = at(1, "10:00");

const NOT_FOUND = "That conversation was not found.";
const CLOSED = "This conversation is closed because the appointment was cancelled. You can still read it.";
const ID_REUSED =
  "This message id was already used for a different message. Reload the conversation and send it again.";

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------- fixtures

let serial = 0;
const unique = () => `${Date.now().toString(36)}-${++serial}-${crypto.randomBytes(3).toString("hex")}`;

async function makeUser(role: "patient" | "doctor" | "admin", name: string): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({ name, email: `${role}-${unique()}@example.test`, passwordHash: "not-a-real-hash", role })
    .returning({ id: users.id });
  return row!.id;
}

const makePatient = (name = "Pat Patient") => makeUser("patient", name);

async function makeDoctor(name = "Dr Doc", specialty = "General Practice"): Promise<string> {
  const id = await makeUser("doctor", name);
  await db().insert(doctorProfiles).values({ userId: id, specialty, bio: "", timeZone: ZONE });
  await db()
    .insert(workingHours)
    .values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: id, ...h })));
  return id;
}

interface Room {
  roomId: string;
  appointmentId: string;
  patient: string;
  doctor: string;
  startsAt: Date;
}

/** A patient's request that the doctor accepts through the appointment rules, which opens the room. */
async function makeRoom(options: { patient?: string; doctor?: string; startsAt?: Date } = {}): Promise<Room> {
  const patient = options.patient ?? (await makePatient());
  const doctor = options.doctor ?? (await makeDoctor());
  const startsAt = options.startsAt ?? THURSDAY_10;
  const { id } = await requestAppointment({
    patientId: patient,
    doctorId: doctor,
    startsAt,
    reason: "A persistent cough.",
    now: NOW,
  });
  const accepted = await transitionAppointment({ actorId: doctor, appointmentId: id, action: "accept", now: NOW });
  expect(accepted.roomId).toEqual(expect.any(String));
  return { roomId: accepted.roomId!, appointmentId: id, patient, doctor, startsAt };
}

const send = (roomId: string, senderId: string, body = `hello ${unique()}`, clientId: string = crypto.randomUUID()) =>
  sendMessage({ roomId, senderId, clientId, body });

/** Writes n messages straight into the table (alternating patient, doctor) and moves last_seq. */
async function fill(room: Room, n: number): Promise<void> {
  const start = (await roomRow(room.roomId)).lastSeq + 1;
  const rows = Array.from({ length: n }, (_, i) => ({
    roomId: room.roomId,
    seq: start + i,
    senderId: (start + i) % 2 === 1 ? room.patient : room.doctor,
    clientId: crypto.randomUUID(),
    body: `message ${start + i}`,
  }));
  await db().insert(messages).values(rows);
  await db()
    .update(chatRooms)
    .set({ lastSeq: start + n - 1 })
    .where(eq(chatRooms.id, room.roomId));
  await recountRoomMembers(db(), [room.roomId]);
}

/** The first page of the user's conversations. */
const conversationsOf = async (userId: string) => (await listConversations({ userId })).conversations;

/** Sets a room's last activity, as a send would have (the room and its members' copies). */
async function setActivity(roomId: string, at: Date): Promise<void> {
  await db().update(chatRooms).set({ lastActivityAt: at }).where(eq(chatRooms.id, roomId));
  await db().update(roomMembers).set({ lastActivityAt: at }).where(eq(roomMembers.roomId, roomId));
}

async function roomRow(roomId: string) {
  const [row] = await db().select().from(chatRooms).where(eq(chatRooms.id, roomId));
  return row!;
}

async function storedMessages(roomId: string) {
  return db().select().from(messages).where(eq(messages.roomId, roomId)).orderBy(asc(messages.seq));
}

async function cursorOf(roomId: string, userId: string): Promise<number | undefined> {
  const [row] = await db()
    .select({ seq: roomMembers.lastReadSeq })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
  return row?.seq;
}

/** Everything chat writes, to show that a refused call wrote nothing. */
async function chatState() {
  const rooms = await db().select().from(chatRooms).orderBy(asc(chatRooms.id));
  const members = await db().select().from(roomMembers).orderBy(asc(roomMembers.roomId), asc(roomMembers.userId));
  const [m] = await db().select({ n: count() }).from(messages);
  const [maxSeq] = await db()
    .select({ s: sql<string>`coalesce(sum(${messages.seq}), 0)::text` })
    .from(messages);
  return { rooms, members, messages: m!.n, seqSum: maxSeq!.s };
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

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqsOf = (list: readonly { seq: number }[]) => list.map((m) => m.seq);

// ---------------------------------------------------------------- sending

describe("sendMessage", () => {
  it("stores the message with the next sequence number, bumps the room and moves the sender's cursor", async () => {
    const room = await makeRoom();
    const old = new Date("2025-06-01T00:00:00Z");
    await db().update(chatRooms).set({ lastActivityAt: old }).where(eq(chatRooms.id, room.roomId));
    expect(await roomRow(room.roomId)).toMatchObject({ lastSeq: 0 });

    const clientId = crypto.randomUUID();
    const first = await sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Hello, doctor." });
    expect(first.created).toBe(true);
    expect(first.message).toMatchObject({ seq: 1, senderId: room.patient, clientId, body: "Hello, doctor." });
    expect(first.message.createdAt).toBeInstanceOf(Date);

    const stored = await storedMessages(room.roomId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      roomId: room.roomId,
      seq: 1,
      senderId: room.patient,
      clientId,
      body: "Hello, doctor.",
    });
    const afterFirst = await roomRow(room.roomId);
    expect(afterFirst.lastSeq).toBe(1);
    expect(afterFirst.lastActivityAt.getTime()).toBeGreaterThan(old.getTime());
    expect(afterFirst.lastActivityAt.getTime()).toBe(stored[0]!.createdAt.getTime());
    expect(await cursorOf(room.roomId, room.patient)).toBe(1);
    expect(await cursorOf(room.roomId, room.doctor)).toBe(0);

    const second = await send(room.roomId, room.doctor, "Hello! How can I help?");
    expect(second).toMatchObject({ created: true, message: { seq: 2, senderId: room.doctor } });
    const third = await send(room.roomId, room.doctor, "Tell me more.");
    expect(third.message.seq).toBe(3);
    expect(seqsOf(await storedMessages(room.roomId))).toEqual([1, 2, 3]);
    expect((await roomRow(room.roomId)).lastSeq).toBe(3);
    expect(await cursorOf(room.roomId, room.doctor)).toBe(3);
    // The patient's cursor is theirs to move: the doctor's messages are unread for them.
    expect(await cursorOf(room.roomId, room.patient)).toBe(1);
  });

  it("stores the same client id and body once: the second call returns the stored message with created false", async () => {
    const room = await makeRoom();
    await send(room.roomId, room.doctor, "Welcome.");
    const clientId = crypto.randomUUID();
    const first = await sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Thanks!" });
    const before = await roomRow(room.roomId);
    const again = await sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Thanks!" });

    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.message).toEqual(first.message);
    expect(again.message.seq).toBe(2);
    const stored = await storedMessages(room.roomId);
    expect(stored.filter((m) => m.clientId === clientId)).toHaveLength(1);
    expect(stored).toHaveLength(2);
    // Nothing moved: no new sequence number, no new activity.
    expect(await roomRow(room.roomId)).toEqual(before);
  });

  it("refuses the same client id with a different body as a conflict and stores nothing", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    await sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Original text" });
    const before = await chatState();

    const error = await domainError(
      sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Edited text" }),
    );
    expect(error.code).toBe("conflict");
    expect(error.message).toBe(ID_REUSED);
    expect(await chatState()).toEqual(before);
    const stored = await storedMessages(room.roomId);
    expect(stored.map((m) => m.body)).toEqual(["Original text"]);
  });

  it("treats the same client id from the other member as a different message (unique per sender)", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    const fromPatient = await sendMessage({
      roomId: room.roomId,
      senderId: room.patient,
      clientId,
      body: "Same words",
    });
    const fromDoctor = await sendMessage({ roomId: room.roomId, senderId: room.doctor, clientId, body: "Same words" });
    expect(fromPatient).toMatchObject({ created: true, message: { seq: 1, senderId: room.patient } });
    expect(fromDoctor).toMatchObject({ created: true, message: { seq: 2, senderId: room.doctor } });
    const stored = await storedMessages(room.roomId);
    expect(stored.map((m) => [m.seq, m.senderId, m.clientId])).toEqual([
      [1, room.patient, clientId],
      [2, room.doctor, clientId],
    ]);
  });

  it("treats the same client id in another room as a different message", async () => {
    const patient = await makePatient();
    const a = await makeRoom({ patient });
    const b = await makeRoom({ patient, startsAt: at(1, "11:00") });
    const clientId = crypto.randomUUID();
    const inA = await sendMessage({ roomId: a.roomId, senderId: patient, clientId, body: "Hi" });
    const inB = await sendMessage({ roomId: b.roomId, senderId: patient, clientId, body: "Hi" });
    expect(inA).toMatchObject({ created: true, message: { seq: 1 } });
    expect(inB).toMatchObject({ created: true, message: { seq: 1 } });
    expect(await storedMessages(a.roomId)).toHaveLength(1);
    expect(await storedMessages(b.roomId)).toHaveLength(1);
  });

  it("refuses new messages once the appointment is cancelled, but still answers an idempotent resend", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    const stored = await sendMessage({
      roomId: room.roomId,
      senderId: room.patient,
      clientId,
      body: "See you Thursday.",
    });
    await send(room.roomId, room.doctor, "See you then.");
    expect((await roomForMember({ roomId: room.roomId, userId: room.patient }))?.open).toBe(true);

    await transitionAppointment({
      actorId: room.patient,
      appointmentId: room.appointmentId,
      action: "cancel",
      now: NOW,
    });
    const view = await roomForMember({ roomId: room.roomId, userId: room.patient });
    expect(view).toMatchObject({ open: false, appointmentStatus: "cancelled", lastSeq: 2 });
    const before = await chatState();

    for (const sender of [room.patient, room.doctor]) {
      const error = await domainError(send(room.roomId, sender, "Are we still on?"));
      expect(error.code).toBe("conflict");
      expect(error.message).toBe(CLOSED);
    }
    // A resend of a message stored before the cancel (its answer was lost) gets the stored copy.
    const resend = await sendMessage({
      roomId: room.roomId,
      senderId: room.patient,
      clientId,
      body: "See you Thursday.",
    });
    expect(resend).toEqual({ created: false, message: stored.message });
    // The same id with another body is still the id-reuse conflict.
    expect(
      (await domainError(sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Changed" })))
        .message,
    ).toBe(ID_REUSED);

    expect(await chatState()).toEqual(before);
    // Still readable by both members.
    expect(seqsOf((await threadPage({ roomId: room.roomId, userId: room.doctor })).messages)).toEqual([1, 2]);
  });

  it("keeps the room open after the appointment is completed", async () => {
    const room = await makeRoom();
    await transitionAppointment({
      actorId: room.doctor,
      appointmentId: room.appointmentId,
      action: "complete",
      now: at(1, "10:30"),
    });
    expect(await roomForMember({ roomId: room.roomId, userId: room.patient })).toMatchObject({
      open: true,
      appointmentStatus: "completed",
    });
    const result = await send(room.roomId, room.patient, "Thank you for today.");
    expect(result).toMatchObject({ created: true, message: { seq: 1 } });
  });

  it("stores markup verbatim (escaping is the UI's job)", async () => {
    const room = await makeRoom();
    const body = "<img src=x onerror=alert(1)>";
    const { message } = await send(room.roomId, room.patient, body);
    expect(message.body).toBe(body);
    const [row] = await storedMessages(room.roomId);
    expect(row!.body).toBe(body);
    expect((await threadPage({ roomId: room.roomId, userId: room.doctor })).messages[0]!.body).toBe(body);
    expect((await conversationsOf(room.doctor))[0]!.last!.body).toBe(body);
  });

  it("stores line breaks, emoji and right-to-left text as sent", async () => {
    const room = await makeRoom();
    const body = "Line one\nLine two\n\tindented 👩‍⚕️ مرحبا e\u0301";
    await send(room.roomId, room.patient, body);
    expect((await messagesAfter({ roomId: room.roomId, userId: room.doctor, afterSeq: 0 })).messages[0]!.body).toBe(
      body,
    );
  });

  it("stores 2000 characters outside the Basic Multilingual Plane (the schema's limit matches the database check)", async () => {
    const room = await makeRoom();
    const body = "🩺".repeat(2000);
    expect(body.length).toBe(4000);
    const { message } = await send(room.roomId, room.doctor, body);
    expect(message.body).toBe(body);
    const [row] = await db()
      .select({ n: sql<number>`char_length(${messages.body})` })
      .from(messages)
      .where(eq(messages.roomId, room.roomId));
    expect(Number(row!.n)).toBe(2000);
  });

  it("lets the database refuse a message whose sender is not a member (messages_member_fk)", async () => {
    const room = await makeRoom();
    const otherRoom = await makeRoom();
    const outsider = await makePatient();
    for (const senderId of [outsider, otherRoom.patient, otherRoom.doctor]) {
      const error = await db()
        .insert(messages)
        .values({ roomId: room.roomId, seq: 1, senderId, clientId: crypto.randomUUID(), body: "sneaky" })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).not.toBeNull();
      expect(pgError(error)).toMatchObject({ code: "23503", constraint: "messages_member_fk" });
    }
    expect(await storedMessages(room.roomId)).toHaveLength(0);
  });
});

describe("sendMessage under concurrency", () => {
  it("gives 20 concurrent sends from both members the sequence numbers 1 to 20, no gap, no duplicate", async () => {
    for (let round = 0; round < 3; round++) {
      const room = await makeRoom();
      const planned = range(1, 20).map((i) => ({
        senderId: i % 2 === 0 ? room.doctor : room.patient,
        clientId: crypto.randomUUID(),
        body: `concurrent ${i}`,
      }));
      const results = await Promise.all(planned.map((p) => sendMessage({ roomId: room.roomId, ...p })));

      expect(results.every((r) => r.created)).toBe(true);
      expect(seqsOf(results.map((r) => r.message)).sort((a, b) => a - b)).toEqual(range(1, 20));
      const stored = await storedMessages(room.roomId);
      expect(seqsOf(stored)).toEqual(range(1, 20));
      expect(new Set(stored.map((m) => m.clientId)).size).toBe(20);
      // Each call got back the sequence number its own message was stored under.
      for (const [i, p] of planned.entries()) {
        const row = stored.find((m) => m.clientId === p.clientId)!;
        expect(row).toMatchObject({ senderId: p.senderId, body: p.body, seq: results[i]!.message.seq });
      }
      expect((await roomRow(room.roomId)).lastSeq).toBe(20);
      // Times follow the order of sequence numbers, and the room's activity is its newest message.
      for (let i = 1; i < stored.length; i++)
        expect(stored[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(stored[i - 1]!.createdAt.getTime());
      expect((await roomRow(room.roomId)).lastActivityAt.getTime()).toBe(stored.at(-1)!.createdAt.getTime());
      // Each sender's cursor sits on the last message they sent.
      const lastBy = (sender: string) =>
        Math.max(...results.filter((r) => r.message.senderId === sender).map((r) => r.message.seq));
      expect(await cursorOf(room.roomId, room.patient)).toBe(lastBy(room.patient));
      expect(await cursorOf(room.roomId, room.doctor)).toBe(lastBy(room.doctor));
    }
  });

  it("stores 20 concurrent sends of the same client id and body exactly once", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    const results = await Promise.all(
      range(1, 20).map(() => sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Only once" })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(
      results.every((r) => r.message.seq === 1 && r.message.clientId === clientId && r.message.body === "Only once"),
    ).toBe(true);
    expect(await storedMessages(room.roomId)).toHaveLength(1);
    expect((await roomRow(room.roomId)).lastSeq).toBe(1);
  });

  it("keeps one of 20 concurrent sends of the same client id with different bodies; the rest are conflicts", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    const settled = await Promise.allSettled(
      range(1, 20).map((i) =>
        sendMessage({ roomId: room.roomId, senderId: room.doctor, clientId, body: `version ${i}` }),
      ),
    );
    const fulfilled = settled.filter((s) => s.status === "fulfilled");
    const rejected = settled.filter((s) => s.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(19);
    expect(rejected.every((r) => r.reason instanceof DomainError && r.reason.code === "conflict")).toBe(true);
    const stored = await storedMessages(room.roomId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.body).toBe(
      (fulfilled[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof sendMessage>>>).value.message.body,
    );
    expect((await roomRow(room.roomId)).lastSeq).toBe(1);
  });
});

/**
 * Every member row whose kept state differs from its definition: unread = the other member's
 * messages after the cursor, last activity = the room's, last incoming = the other member's
 * newest message's time. Compared in SQL, to the microsecond.
 */
async function memberStateMismatches(roomIds: string[]): Promise<string[]> {
  const rows = await db()
    .select({
      roomId: roomMembers.roomId,
      userId: roomMembers.userId,
      unread: roomMembers.unreadCount,
      counted: sql<number>`(select count(*)::int from ${messages} where ${messages.roomId} = ${roomMembers.roomId} and ${messages.seq} > ${roomMembers.lastReadSeq} and ${messages.senderId} <> ${roomMembers.userId})`,
      activityKept: sql<boolean>`${roomMembers.lastActivityAt} = ${chatRooms.lastActivityAt}`,
      incomingKept: sql<boolean>`${roomMembers.lastIncomingAt} is not distinct from (select max(${messages.createdAt}) from ${messages} where ${messages.roomId} = ${roomMembers.roomId} and ${messages.senderId} <> ${roomMembers.userId})`,
    })
    .from(roomMembers)
    .innerJoin(chatRooms, eq(chatRooms.id, roomMembers.roomId))
    .where(inArray(roomMembers.roomId, roomIds));
  expect(rows).toHaveLength(roomIds.length * 2);
  return rows.flatMap((r) => {
    const at = `${r.roomId}/${r.userId}`;
    return [
      ...(r.unread === r.counted ? [] : [`${at}: unread ${r.unread}, counted ${r.counted}`]),
      ...(r.activityKept ? [] : [`${at}: last activity differs from the room's`]),
      ...(r.incomingKept ? [] : [`${at}: last incoming differs from the newest incoming message`]),
    ];
  });
}

describe("postNotice (lines no person typed)", () => {
  it("takes the next sequence number, is unread for the other member only, keeps its kind and keeps the counters exact", async () => {
    const room = await makeRoom();
    await send(room.roomId, room.patient, "p1");
    const notice = await db().transaction((tx) =>
      postNotice(tx, { roomId: room.roomId, senderId: room.doctor, kind: "auto_reply", body: "I am away" }),
    );
    expect(notice.seq).toBe(2);
    expect(await memberStateMismatches([room.roomId])).toEqual([]);
    expect(await unreadTotal(room.patient)).toBe(1);
    expect(await unreadTotal(room.doctor)).toBe(1);
    const page = await threadPage({ roomId: room.roomId, userId: room.patient });
    expect(page.messages.map((m) => [m.seq, m.kind, m.body])).toEqual([
      [1, "message", "p1"],
      [2, "auto_reply", "I am away"],
    ]);
    const next = await send(room.roomId, room.doctor, "d3");
    expect(next.message.seq).toBe(3);
  });

  it("writes nothing when its transaction rolls back", async () => {
    const room = await makeRoom();
    await expect(
      db().transaction(async (tx) => {
        await postNotice(tx, { roomId: room.roomId, senderId: room.patient, kind: "system", body: "Moved" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await storedMessages(room.roomId)).toEqual([]);
    expect((await roomRow(room.roomId)).lastSeq).toBe(0);
  });
});

describe("the members' kept counters", () => {
  it("match their definition after sends, cursor moves and the sender's seenSeq rule", async () => {
    const room = await makeRoom();
    expect(await memberStateMismatches([room.roomId])).toEqual([]);
    await send(room.roomId, room.patient, "p1");
    await send(room.roomId, room.patient, "p2");
    expect(await memberStateMismatches([room.roomId])).toEqual([]);
    await markRead({ roomId: room.roomId, userId: room.doctor, seq: 1 });
    await sendMessage({
      roomId: room.roomId,
      senderId: room.doctor,
      clientId: crypto.randomUUID(),
      body: "d3",
      seenSeq: 1,
    });
    expect(await memberStateMismatches([room.roomId])).toEqual([]);
    await markRead({ roomId: room.roomId, userId: room.patient, seq: 99 });
    await markRead({ roomId: room.roomId, userId: room.doctor, seq: 2 });
    expect(await memberStateMismatches([room.roomId])).toEqual([]);
    expect(await unreadTotal(room.doctor)).toBe(0);
    expect(await unreadTotal(room.patient)).toBe(0);
  });

  it("stay exact under 20 concurrent sends from both members with cursor moves racing them", async () => {
    for (let round = 0; round < 4; round++) {
      const room = await makeRoom();
      const members = [room.patient, room.doctor];
      const sends = range(1, 20).map((i) =>
        sendMessage({
          roomId: room.roomId,
          senderId: members[i % 2]!,
          clientId: crypto.randomUUID(),
          body: `race ${round}.${i}`,
          // Some senders had not seen everything: their cursor stays behind.
          seenSeq: i % 3 === 0 ? Math.floor(i / 2) : undefined,
        }),
      );
      // Both members keep reading while the sends run: some ahead of the last message, some to it.
      let sending = true;
      const keepReading = async (userId: string, step: number) => {
        let reads = 0;
        for (let seq = step; sending || reads === 0; seq += step, reads++)
          await markRead({ roomId: room.roomId, userId, seq: seq % 3 === 0 ? 1_000 : seq });
        return reads;
      };
      const readers = Promise.all([keepReading(room.patient, 1), keepReading(room.doctor, 2)]);
      const sent = await Promise.all(sends).finally(() => (sending = false));
      expect((await readers).every((n) => n > 0)).toBe(true);
      expect(seqsOf(sent.map((r) => r.message)).sort((a, b) => a - b)).toEqual(range(1, 20));
      expect(await memberStateMismatches([room.roomId])).toEqual([]);
      // Then read to the end: nothing unread for either.
      for (const userId of members) await markRead({ roomId: room.roomId, userId, seq: 20 });
      expect(await memberStateMismatches([room.roomId])).toEqual([]);
      for (const userId of members) expect(await unreadTotal(userId)).toBe(0);
    }
  });

  it("stay exact when both members read and write at once over several rounds", async () => {
    const room = await makeRoom();
    const members = [room.patient, room.doctor];
    for (let round = 0; round < 5; round++) {
      const last = (await roomRow(room.roomId)).lastSeq;
      await Promise.all([
        ...range(1, 10).map((i) => send(room.roomId, members[(i + round) % 2]!)),
        // Cursor moves into messages still being sent, and repeated ones from a second tab.
        ...range(1, 8).map((i) => markRead({ roomId: room.roomId, userId: members[i % 2]!, seq: last + i })),
      ]);
      expect(await memberStateMismatches([room.roomId])).toEqual([]);
    }
  });
});

describe("retrying a send", () => {
  it("a retry after a send that failed before reaching the database really sends, once", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    const input = { roomId: room.roomId, senderId: room.patient, clientId, body: "Can I take ibuprofen?" };

    // The first attempt fails: the connection drops before the send's statement runs.
    const spy = vi.spyOn(db(), "execute").mockRejectedValueOnce(new Error("Connection terminated unexpectedly"));
    await expect(sendMessage(input)).rejects.toThrow("Connection terminated unexpectedly");
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await storedMessages(room.roomId)).toHaveLength(0);

    // Retry (same client id, same text): stored now.
    const retried = await sendMessage(input);
    expect(retried).toMatchObject({ created: true, message: { seq: 1, clientId, body: input.body } });
    expect(await storedMessages(room.roomId)).toHaveLength(1);

    // A second retry (the answer to the first retry was lost) changes nothing.
    const again = await sendMessage(input);
    expect(again).toEqual({ created: false, message: retried.message });
    const stored = await storedMessages(room.roomId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ seq: 1, clientId, body: input.body });
  });

  it("a send that fails inside the transaction leaves no row and no gap; its retry takes the next number", async () => {
    const room = await makeRoom();
    await send(room.roomId, room.doctor, "First");
    const clientId = crypto.randomUUID();
    const before = await chatState();

    // Too long for the database check (the action's schema would refuse it first): the insert
    // fails after the sequence counter was bumped, so the whole transaction must roll back.
    await expect(
      sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "x".repeat(2001) }),
    ).rejects.toThrow();
    expect(await chatState()).toEqual(before);

    const retried = await sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Shorter now" });
    expect(retried).toMatchObject({ created: true, message: { seq: 2, body: "Shorter now" } });
    expect(seqsOf(await storedMessages(room.roomId))).toEqual([1, 2]);
    expect((await roomRow(room.roomId)).lastSeq).toBe(2);
  });

  it("a retry of a send that was stored but whose answer was lost returns the same message", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    const first = await sendMessage({
      roomId: room.roomId,
      senderId: room.doctor,
      clientId,
      body: "Results are fine.",
    });
    await send(room.roomId, room.patient, "Great news");
    const retry = await sendMessage({
      roomId: room.roomId,
      senderId: room.doctor,
      clientId,
      body: "Results are fine.",
    });
    expect(retry).toEqual({ created: false, message: first.message });
    expect(seqsOf(await storedMessages(room.roomId))).toEqual([1, 2]);
  });
});

// ---------------------------------------------------------------- reading

describe("threadPage", () => {
  it("gives the newest 50 in chronological order and pages back to the first message", async () => {
    const room = await makeRoom();
    await fill(room, 120);

    const newest = await threadPage({ roomId: room.roomId, userId: room.patient });
    expect(PAGE_SIZE).toBe(50);
    expect(seqsOf(newest.messages)).toEqual(range(71, 120));
    expect(newest.hasEarlier).toBe(true);
    expect(newest.messages[0]).toMatchObject({ seq: 71, senderId: room.patient, body: "message 71" });
    expect(newest.messages[1]).toMatchObject({ seq: 72, senderId: room.doctor });

    const middle = await threadPage({ roomId: room.roomId, userId: room.doctor, beforeSeq: 71 });
    expect(seqsOf(middle.messages)).toEqual(range(21, 70));
    expect(middle.hasEarlier).toBe(true);

    const first = await threadPage({ roomId: room.roomId, userId: room.patient, beforeSeq: 21 });
    expect(seqsOf(first.messages)).toEqual(range(1, 20));
    expect(first.hasEarlier).toBe(false);

    expect(await threadPage({ roomId: room.roomId, userId: room.patient, beforeSeq: 1 })).toEqual({
      messages: [],
      hasEarlier: false,
    });
  });

  it("says there is nothing earlier when exactly one page remains", async () => {
    const room = await makeRoom();
    await fill(room, 50);
    const page = await threadPage({ roomId: room.roomId, userId: room.patient });
    expect(seqsOf(page.messages)).toEqual(range(1, 50));
    expect(page.hasEarlier).toBe(false);

    await fill(room, 1);
    const now51 = await threadPage({ roomId: room.roomId, userId: room.patient });
    expect(seqsOf(now51.messages)).toEqual(range(2, 51));
    expect(now51.hasEarlier).toBe(true);
    expect(await threadPage({ roomId: room.roomId, userId: room.patient, beforeSeq: 2 })).toMatchObject({
      hasEarlier: false,
      messages: [{ seq: 1 }],
    });
  });

  it("is empty for a room without messages", async () => {
    const room = await makeRoom();
    expect(await threadPage({ roomId: room.roomId, userId: room.doctor })).toEqual({ messages: [], hasEarlier: false });
  });

  it("never gives more than a page, even when asked for more", async () => {
    const room = await makeRoom();
    await fill(room, 60);
    expect((await threadPage({ roomId: room.roomId, userId: room.patient, limit: 500 })).messages).toHaveLength(50);
    const small = await threadPage({ roomId: room.roomId, userId: room.patient, limit: 10 });
    expect(seqsOf(small.messages)).toEqual(range(51, 60));
    expect(small.hasEarlier).toBe(true);
  });

  it("shows only this room's messages", async () => {
    const patient = await makePatient();
    const a = await makeRoom({ patient });
    const b = await makeRoom({ patient, startsAt: at(1, "11:00") });
    await send(a.roomId, patient, "in room a");
    await send(b.roomId, patient, "in room b");
    await send(b.roomId, b.doctor, "reply in room b");
    const page = await threadPage({ roomId: a.roomId, userId: patient });
    expect(page.messages.map((m) => m.body)).toEqual(["in room a"]);
  });
});

describe("messagesAfter", () => {
  it("returns only messages after N in order, with the other member's read cursor", async () => {
    const room = await makeRoom();
    await fill(room, 12);
    await markRead({ roomId: room.roomId, userId: room.doctor, seq: 9 });
    await markRead({ roomId: room.roomId, userId: room.patient, seq: 4 });

    const forPatient = await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: 7 });
    expect(seqsOf(forPatient.messages)).toEqual([8, 9, 10, 11, 12]);
    expect(forPatient.otherReadSeq).toBe(9);
    expect(forPatient.hasMore).toBe(false);
    expect(forPatient.messages[0]).toMatchObject({ seq: 8, senderId: room.doctor, body: "message 8" });

    const forDoctor = await messagesAfter({ roomId: room.roomId, userId: room.doctor, afterSeq: 0 });
    expect(seqsOf(forDoctor.messages)).toEqual(range(1, 12));
    expect(forDoctor.otherReadSeq).toBe(4);

    expect(await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: 12 })).toEqual({
      messages: [],
      otherReadSeq: 9,
      hasMore: false,
    });
    expect((await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: 1_000_000 })).messages).toEqual(
      [],
    );
  });

  it("sees a message sent after the last poll, and the receiver's cursor once they read it", async () => {
    const room = await makeRoom();
    await send(room.roomId, room.patient, "one");
    const poll1 = await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: 1 });
    expect(poll1.messages).toEqual([]);
    expect(poll1.otherReadSeq).toBe(0);

    await send(room.roomId, room.doctor, "two");
    await markRead({ roomId: room.roomId, userId: room.doctor, seq: 2 });
    const poll2 = await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: 1 });
    expect(poll2.messages.map((m) => m.body)).toEqual(["two"]);
    expect(poll2.otherReadSeq).toBe(2);
  });

  it("caps one answer at POLL_LIMIT and says there is more", async () => {
    const room = await makeRoom();
    await fill(room, POLL_LIMIT + 5);
    const first = await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: 0 });
    expect(first.messages).toHaveLength(POLL_LIMIT);
    expect(seqsOf(first.messages)).toEqual(range(1, POLL_LIMIT));
    expect(first.hasMore).toBe(true);

    const rest = await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: POLL_LIMIT });
    expect(seqsOf(rest.messages)).toEqual(range(POLL_LIMIT + 1, POLL_LIMIT + 5));
    expect(rest.hasMore).toBe(false);

    // Exactly POLL_LIMIT left: no more after them.
    const exact = await messagesAfter({ roomId: room.roomId, userId: room.patient, afterSeq: 5 });
    expect(exact.messages).toHaveLength(POLL_LIMIT);
    expect(exact.hasMore).toBe(false);
  });
});

// ---------------------------------------------------------------- read cursors

describe("markRead", () => {
  async function members() {
    return db().select().from(roomMembers).orderBy(asc(roomMembers.roomId), asc(roomMembers.userId));
  }
  const key = (m: { roomId: string; userId: string }) => `${m.roomId}/${m.userId}`;

  /** The room_members rows that differ between two snapshots, as keys. */
  function changed(before: Awaited<ReturnType<typeof members>>, after: Awaited<ReturnType<typeof members>>): string[] {
    expect(after.map(key)).toEqual(before.map(key));
    return after.filter((row, i) => row.lastReadSeq !== before[i]!.lastReadSeq).map(key);
  }

  it("moves the cursor forward, never back, never past the last message, changing one row", async () => {
    const room = await makeRoom();
    await makeRoom(); // another room, whose cursors must not move
    await fill(room, 8);
    const mine = key({ roomId: room.roomId, userId: room.patient });

    let before = await members();
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: 5 })).lastReadSeq).toBe(5);
    let after = await members();
    expect(changed(before, after)).toEqual([mine]);
    expect(await cursorOf(room.roomId, room.patient)).toBe(5);
    expect(await cursorOf(room.roomId, room.doctor)).toBe(0);

    // Backwards: nothing moves.
    before = after;
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: 3 })).lastReadSeq).toBe(5);
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: 0 })).lastReadSeq).toBe(5);
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: -7 })).lastReadSeq).toBe(5);
    after = await members();
    expect(changed(before, after)).toEqual([]);

    // Past the end: clamped to the last message.
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: 9 })).lastReadSeq).toBe(8);
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: 2_147_483_647 })).lastReadSeq).toBe(8);
    after = await members();
    expect(changed(before, after)).toEqual([mine]);
    expect(await cursorOf(room.roomId, room.patient)).toBe(8);
    expect(await cursorOf(room.roomId, room.doctor)).toBe(0);
  });

  it("stays at 0 in a room without messages", async () => {
    const room = await makeRoom();
    expect((await markRead({ roomId: room.roomId, userId: room.doctor, seq: 10 })).lastReadSeq).toBe(0);
    expect(await cursorOf(room.roomId, room.doctor)).toBe(0);
  });

  it("lets a later message be read after the cursor was clamped", async () => {
    const room = await makeRoom();
    await fill(room, 2);
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: 4 })).lastReadSeq).toBe(2);
    await send(room.roomId, room.doctor, "third");
    expect((await markRead({ roomId: room.roomId, userId: room.patient, seq: 3 })).lastReadSeq).toBe(3);
  });
});

// ---------------------------------------------------------------- unread counts

describe("unread counts", () => {
  const unreadIn = async (userId: string, roomId: string) =>
    (await conversationsOf(userId)).find((c) => c.roomId === roomId)?.unread;

  it("count only the other member's messages after the reader's cursor, and drop to 0 after markRead", async () => {
    const patient = await makePatient();
    const a = await makeRoom({ patient });
    const b = await makeRoom({ patient, startsAt: at(1, "11:00") });

    await send(a.roomId, patient, "p1");
    await send(a.roomId, patient, "p2");
    await send(a.roomId, a.doctor, "d3");
    await send(a.roomId, a.doctor, "d4");
    await send(a.roomId, a.doctor, "d5");
    await send(b.roomId, b.doctor, "b1");

    expect(await unreadIn(patient, a.roomId)).toBe(3);
    expect(await unreadIn(patient, b.roomId)).toBe(1);
    expect(await unreadTotal(patient)).toBe(4);
    // The doctors have read up to their own last message.
    expect(await unreadTotal(a.doctor)).toBe(0);
    expect(await unreadIn(a.doctor, a.roomId)).toBe(0);
    expect(await unreadTotal(b.doctor)).toBe(0);

    // markRead answers with what stays unread in the room and in all, as the counters then read.
    expect(await markRead({ roomId: a.roomId, userId: patient, seq: 4 })).toEqual({
      lastReadSeq: 4,
      roomUnread: 1,
      unreadTotal: 2,
    });
    expect(await unreadIn(patient, a.roomId)).toBe(1);
    expect(await unreadTotal(patient)).toBe(2);

    await markRead({ roomId: a.roomId, userId: patient, seq: 5 });
    await markRead({ roomId: b.roomId, userId: patient, seq: 1 });
    expect(await unreadIn(patient, a.roomId)).toBe(0);
    expect(await unreadIn(patient, b.roomId)).toBe(0);
    expect(await unreadTotal(patient)).toBe(0);

    // A new message from the doctor is unread again; the patient's reply clears it.
    await send(a.roomId, a.doctor, "d6");
    expect(await unreadTotal(patient)).toBe(1);
    expect(await unreadTotal(a.doctor)).toBe(0);
    await send(a.roomId, patient, "p7");
    expect(await unreadTotal(patient)).toBe(0);
    expect(await unreadTotal(a.doctor)).toBe(1);
  });

  it("never count the reader's own messages, whatever their cursor", async () => {
    const room = await makeRoom();
    await fill(room, 7); // odd numbers from the patient (4), even from the doctor (3)
    // Both cursors at 0: everything is after them.
    expect(await cursorOf(room.roomId, room.patient)).toBe(0);
    expect(await unreadTotal(room.patient)).toBe(3);
    expect(await unreadTotal(room.doctor)).toBe(4);
    expect(await unreadIn(room.patient, room.roomId)).toBe(3);
    expect(await unreadIn(room.doctor, room.roomId)).toBe(4);

    await markRead({ roomId: room.roomId, userId: room.doctor, seq: 7 });
    expect(await unreadTotal(room.doctor)).toBe(0);
    expect(await unreadTotal(room.patient)).toBe(3);
  });

  it("are 0 and an empty list for a user with no rooms", async () => {
    for (const userId of [
      await makePatient(),
      await makeDoctor(),
      await makeUser("admin", "Ada Admin"),
      crypto.randomUUID(),
    ]) {
      expect(await unreadTotal(userId)).toBe(0);
      expect(await conversationsOf(userId)).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------- conversation list

describe("listConversations", () => {
  it("gives one row per room, with the other person, the last message, the appointment and unread", async () => {
    const patient = await makePatient("Paula Patient");
    const cardio = await makeDoctor("Dr Heart", "Cardiology");
    const derma = await makeDoctor("Dr Skin", "Dermatology");
    const a = await makeRoom({ patient, doctor: cardio, startsAt: at(1, "10:00") });
    const b = await makeRoom({ patient, doctor: derma, startsAt: at(2, "14:30") });
    await send(a.roomId, patient, "First to cardio");
    const lastA = await send(a.roomId, cardio, "Reply from cardio\nwith two lines");
    // Room b has no message yet.

    // Fixed activity times, so the order does not rest on clock resolution: a newer than b.
    await setActivity(a.roomId, new Date("2026-01-14T09:00:00Z"));
    await setActivity(b.roomId, new Date("2026-01-14T08:00:00Z"));

    const list = await conversationsOf(patient);
    expect(list.map((c) => c.roomId)).toEqual([a.roomId, b.roomId]);
    expect(list[0]).toEqual({
      roomId: a.roomId,
      lastActivityAt: new Date("2026-01-14T09:00:00Z"),
      appointmentStartsAt: at(1, "10:00"),
      appointmentStatus: "accepted",
      other: { id: cardio, name: "Dr Heart", role: "doctor", specialty: "Cardiology" },
      last: { body: "Reply from cardio\nwith two lines", createdAt: lastA.message.createdAt, senderId: cardio },
      unread: 1,
      closed: false,
      hasDraft: false,
    });
    expect(list[1]).toMatchObject({
      roomId: b.roomId,
      appointmentStartsAt: at(2, "14:30"),
      other: { id: derma, name: "Dr Skin", role: "doctor", specialty: "Dermatology" },
      last: null,
      unread: 0,
    });

    // The doctor sees the patient, with no specialty.
    const forDoctor = await conversationsOf(cardio);
    expect(forDoctor).toHaveLength(1);
    expect(forDoctor[0]).toMatchObject({
      roomId: a.roomId,
      other: { id: patient, name: "Paula Patient", role: "patient", specialty: null },
      last: { body: "Reply from cardio\nwith two lines", senderId: cardio },
      unread: 0,
    });
  });

  it("puts the room with the newest message first", async () => {
    const doctor = await makeDoctor("Dr Busy");
    const rooms = [
      await makeRoom({ doctor, startsAt: at(1, "09:00") }),
      await makeRoom({ doctor, startsAt: at(1, "09:30") }),
      await makeRoom({ doctor, startsAt: at(1, "10:00") }),
    ];
    const base = Date.parse("2026-01-10T12:00:00Z");
    for (const [i, room] of rooms.entries()) {
      await setActivity(room.roomId, new Date(base + i * 60_000));
    }
    expect((await conversationsOf(doctor)).map((c) => c.roomId)).toEqual([
      rooms[2]!.roomId,
      rooms[1]!.roomId,
      rooms[0]!.roomId,
    ]);

    // A message in the oldest room moves it to the top.
    await send(rooms[0]!.roomId, rooms[0]!.patient, "news");
    const list = await conversationsOf(doctor);
    expect(list.map((c) => c.roomId)).toEqual([rooms[0]!.roomId, rooms[2]!.roomId, rooms[1]!.roomId]);
    expect(list).toHaveLength(3);
    expect(new Set(list.map((c) => c.roomId)).size).toBe(3);
    expect(list[0]).toMatchObject({ last: { body: "news" }, unread: 1 });
  });

  it("shows a cancelled appointment's status and keeps the room listed", async () => {
    const room = await makeRoom();
    await send(room.roomId, room.doctor, "See you soon");
    await transitionAppointment({
      actorId: room.patient,
      appointmentId: room.appointmentId,
      action: "cancel",
      now: NOW,
    });
    const [row] = await conversationsOf(room.patient);
    expect(row).toMatchObject({
      roomId: room.roomId,
      appointmentStatus: "cancelled",
      last: { body: "See you soon" },
      unread: 1,
    });
  });

  it("lists only the user's own rooms", async () => {
    const mine = await makeRoom();
    await makeRoom();
    await makeRoom({ doctor: mine.doctor, startsAt: at(1, "15:00") });
    expect((await conversationsOf(mine.patient)).map((c) => c.roomId)).toEqual([mine.roomId]);
    expect(await conversationsOf(mine.doctor)).toHaveLength(2);
  });
});

// ---------------------------------------------------------------- roomForMember

describe("roomForMember", () => {
  it("gives each member the room with the other person and both cursors", async () => {
    const patient = await makePatient("Rita Reader");
    const doctor = await makeDoctor("Dr Ward", "Paediatrics");
    const room = await makeRoom({ patient, doctor });
    await fill(room, 4);
    await markRead({ roomId: room.roomId, userId: patient, seq: 3 });
    await markRead({ roomId: room.roomId, userId: doctor, seq: 1 });

    expect(await roomForMember({ roomId: room.roomId, userId: patient })).toEqual({
      id: room.roomId,
      appointmentId: room.appointmentId,
      appointmentStartsAt: room.startsAt,
      appointmentStatus: "accepted",
      open: true,
      closedBy: null,
      closesAt: new Date(room.startsAt.getTime() + 14 * 86_400_000),
      lastSeq: 4,
      myReadSeq: 3,
      other: { id: doctor, name: "Dr Ward", role: "doctor", specialty: "Paediatrics", readSeq: 1 },
      doctor: { id: doctor, name: "Dr Ward", timeZone: ZONE, replyDays: 2, replyWindowDays: 14, awayNow: null },
    });
    expect(await roomForMember({ roomId: room.roomId, userId: doctor })).toMatchObject({
      myReadSeq: 1,
      other: { id: patient, name: "Rita Reader", role: "patient", specialty: null, readSeq: 3 },
    });
  });
});

// ---------------------------------------------------------------- authorization

describe("who may see what", () => {
  it("gives everyone but the two members not-found, and writes nothing", async () => {
    const room = await makeRoom();
    const clientId = crypto.randomUUID();
    await sendMessage({ roomId: room.roomId, senderId: room.patient, clientId, body: "Private: my symptoms" });
    await send(room.roomId, room.doctor, "Private: my advice");

    const otherPatient = await makePatient("Nosy Patient");
    const otherDoctor = await makeDoctor("Dr Nosy");
    // The other doctor is a member of a room of their own, which gives no way into this one.
    const theirRoom = await makeRoom({ doctor: otherDoctor, patient: otherPatient });
    const admin = await makeUser("admin", "Ada Admin");

    for (const outsider of [otherPatient, otherDoctor, admin]) {
      const before = await chatState();
      expect(await roomForMember({ roomId: room.roomId, userId: outsider })).toBeNull();
      const errors = [
        await domainError(threadPage({ roomId: room.roomId, userId: outsider })),
        await domainError(threadPage({ roomId: room.roomId, userId: outsider, beforeSeq: 10 })),
        await domainError(messagesAfter({ roomId: room.roomId, userId: outsider, afterSeq: 0 })),
        await domainError(
          sendMessage({ roomId: room.roomId, senderId: outsider, clientId: crypto.randomUUID(), body: "Let me in" }),
        ),
        // Replaying a member's client id and body reveals nothing either.
        await domainError(
          sendMessage({ roomId: room.roomId, senderId: outsider, clientId, body: "Private: my symptoms" }),
        ),
        await domainError(markRead({ roomId: room.roomId, userId: outsider, seq: 2 })),
      ];
      for (const error of errors)
        expect({ code: error.code, message: error.message }).toEqual({ code: "not_found", message: NOT_FOUND });
      expect(await chatState()).toEqual(before);
      expect(await conversationsOf(outsider).then((l) => l.map((c) => c.roomId))).not.toContain(room.roomId);
    }
    // The members' view is untouched.
    expect(await cursorOf(room.roomId, room.patient)).toBe(1);
    expect(await cursorOf(room.roomId, room.doctor)).toBe(2);
    expect(seqsOf(await storedMessages(room.roomId))).toEqual([1, 2]);
    expect(await storedMessages(theirRoom.roomId)).toHaveLength(0);
  });

  it("answers an unknown room id the same way, even for a member of other rooms", async () => {
    const room = await makeRoom();
    const unknown = crypto.randomUUID();
    const before = await chatState();
    for (const userId of [room.patient, room.doctor]) {
      expect(await roomForMember({ roomId: unknown, userId })).toBeNull();
      const errors = [
        await domainError(threadPage({ roomId: unknown, userId })),
        await domainError(messagesAfter({ roomId: unknown, userId, afterSeq: 0 })),
        await domainError(
          sendMessage({ roomId: unknown, senderId: userId, clientId: crypto.randomUUID(), body: "hello?" }),
        ),
        await domainError(markRead({ roomId: unknown, userId, seq: 1 })),
      ];
      for (const error of errors)
        expect({ code: error.code, message: error.message }).toEqual({ code: "not_found", message: NOT_FOUND });
    }
    expect(await chatState()).toEqual(before);
  });

  it("does not let a room's id stand in for its appointment's id or the other way round", async () => {
    const room = await makeRoom();
    expect(await roomForMember({ roomId: room.appointmentId, userId: room.patient })).toBeNull();
    expect((await domainError(send(room.appointmentId, room.patient))).code).toBe("not_found");
  });
});

// ---------------------------------------------------------------- demo data

describe("with the demo data", () => {
  it("gives Carol her two conversations with two unread each, and reading clears them", async () => {
    expect(await seedDemoData(db(), NOW)).toBe(true);
    const idOf = async (email: string) =>
      (await db().select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
    const carol = await idOf(DEMO_PATIENTS[0].email);
    const emily = await idOf(DEMO_DOCTORS[0].email);
    const michael = await idOf(DEMO_DOCTORS[1].email);

    const list = await conversationsOf(carol);
    // Her room with Michael Chen was seeded with the newer activity.
    expect(list.map((c) => c.other.name)).toEqual(["Michael Chen", "Emily Davis"]);
    expect(list.map((c) => c.other.specialty)).toEqual(["Dermatology", "Cardiology"]);
    expect(list.map((c) => c.other.id)).toEqual([michael, emily]);
    expect(list.every((c) => c.unread === 2 && c.appointmentStatus === "accepted")).toBe(true);
    expect(list[0]!.last).toMatchObject({
      body: "See you soon. If it gets much worse before then, call your local emergency number.",
      senderId: michael,
    });
    expect(await unreadTotal(carol)).toBe(4);
    // Emily Davis has two patients' rooms, each with the patient's 7th and 9th message unread.
    expect(await unreadTotal(emily)).toBe(4);

    const thread = await threadPage({ roomId: list[0]!.roomId, userId: carol });
    expect(seqsOf(thread.messages)).toEqual(range(1, 10));
    expect(thread.hasEarlier).toBe(false);
    expect(thread.messages[2]!.body).toBe(
      "I have had a dull pain on and off for about two weeks.\nIt is worse in the evening.",
    );
    // Emily is not in Carol's room with Michael.
    expect((await domainError(threadPage({ roomId: list[0]!.roomId, userId: emily }))).code).toBe("not_found");

    await markRead({ roomId: list[0]!.roomId, userId: carol, seq: 10 });
    expect(await unreadTotal(carol)).toBe(2);
    const after = await conversationsOf(carol);
    expect(after.map((c) => c.unread)).toEqual([0, 2]);
    const [sentBy] = await db()
      .select({ n: count() })
      .from(appointments)
      .where(and(eq(appointments.patientId, carol), eq(appointments.status, "accepted")));
    expect(after).toHaveLength(sentBy!.n);
  });
});

describe("the sender's read cursor", () => {
  it("stays before a message that arrived just before theirs and was not on their screen", async () => {
    const room = await makeRoom();
    await send(room.roomId, room.patient, "p1");
    await markRead({ roomId: room.roomId, userId: room.doctor, seq: 1 });
    // The patient's seq 2 commits; the doctor, whose screen ends at 1, replies (seq 3).
    await send(room.roomId, room.patient, "p2");
    await sendMessage({
      roomId: room.roomId,
      senderId: room.doctor,
      clientId: crypto.randomUUID(),
      body: "d3",
      seenSeq: 1,
    });
    expect(await cursorOf(room.roomId, room.doctor)).toBe(1);
    expect(await unreadTotal(room.doctor)).toBe(1);
    // Having seen up to 3, the next reply moves the cursor to itself.
    await sendMessage({
      roomId: room.roomId,
      senderId: room.doctor,
      clientId: crypto.randomUUID(),
      body: "d4",
      seenSeq: 3,
    });
    expect(await cursorOf(room.roomId, room.doctor)).toBe(4);
    expect(await unreadTotal(room.doctor)).toBe(0);
  });
});
