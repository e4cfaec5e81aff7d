import { describe, expect, it } from "vitest";
import { appointments, chatRooms, messages, roomMembers, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { listConversations, markRead, recentMessages, unreadTotal } from "./chat";

const t = setupTestDatabase();

async function makeUser(role: "patient" | "doctor", name: string) {
  const [u] = await t.handle.db
    .insert(users)
    .values({ name, email: `${name.replace(/\W/g, ".").toLowerCase()}.${crypto.randomUUID()}@example.com`, passwordHash: "x", role })
    .returning({ id: users.id });
  return u!.id;
}

/**
 * One doctor with `count` rooms, one patient each. In room i the patient wrote 2 messages and the
 * doctor 1; the doctor has read room i up to seq 1 when i is even, nothing otherwise.
 */
async function doctorWithRooms(count: number) {
  const db = t.handle.db;
  const doctor = await makeUser("doctor", "Dr Many Rooms");
  const patients = await db
    .insert(users)
    .values(Array.from({ length: count }, (_, i) => ({ name: `Patient ${i}`, email: `p${i}.${crypto.randomUUID()}@example.com`, passwordHash: "x", role: "patient" as const })))
    .returning({ id: users.id });
  const base = Date.UTC(2030, 0, 1);
  const appts = await db
    .insert(appointments)
    .values(patients.map((p, i) => ({ patientId: p.id, doctorId: doctor, startsAt: new Date(base + i * 1_800_000), reason: "Check-up", status: "accepted" as const })))
    .returning({ id: appointments.id, patientId: appointments.patientId });
  const rooms = await db
    .insert(chatRooms)
    .values(appts.map((a, i) => ({ appointmentId: a.id, lastSeq: 3, lastActivityAt: new Date(base + i * 60_000 + 3_000) })))
    .returning({ id: chatRooms.id, appointmentId: chatRooms.appointmentId });
  const patientOf = new Map(appts.map((a) => [a.id, a.patientId]));
  await db.insert(roomMembers).values(
    rooms.flatMap((r, i) => [
      { roomId: r.id, userId: patientOf.get(r.appointmentId)!, lastReadSeq: 3 },
      { roomId: r.id, userId: doctor, lastReadSeq: i % 2 === 0 ? 1 : 0 },
    ]),
  );
  await db.insert(messages).values(
    rooms.flatMap((r, i) => {
      const patient = patientOf.get(r.appointmentId)!;
      const at = (k: number) => new Date(base + i * 60_000 + k * 1_000);
      return [
        { roomId: r.id, seq: 1, senderId: patient, clientId: crypto.randomUUID(), body: `Room ${i} first`, createdAt: at(1) },
        { roomId: r.id, seq: 2, senderId: doctor, clientId: crypto.randomUUID(), body: `Room ${i} reply`, createdAt: at(2) },
        { roomId: r.id, seq: 3, senderId: patient, clientId: crypto.randomUUID(), body: `Room ${i} last`, createdAt: at(3) },
      ];
    }),
  );
  return { doctor, rooms };
}

describe("dashboard counters and recent messages", () => {
  it("are zero and empty for a user with no rooms", async () => {
    const lonely = await makeUser("patient", "No Rooms");
    expect(await unreadTotal(lonely)).toBe(0);
    expect(await recentMessages(lonely)).toEqual([]);
    expect(await listConversations(lonely)).toEqual([]);
  });

  it("are right for a doctor with 200 rooms", async () => {
    const { doctor, rooms } = await doctorWithRooms(200);
    // Even rooms: only seq 3 unread (seq 2 is the doctor's own); odd rooms: seq 1 and 3.
    expect(await unreadTotal(doctor)).toBe(100 * 1 + 100 * 2);

    const recent = await recentMessages(doctor);
    expect(recent).toHaveLength(5);
    // The newest received messages overall, never the doctor's own replies; unread as the cursors say
    // (room 198 is read up to seq 1).
    expect(recent.map((m) => [m.body, m.unread])).toEqual([
      ["Room 199 last", true],
      ["Room 199 first", true],
      ["Room 198 last", true],
      ["Room 198 first", false],
      ["Room 197 last", true],
    ]);
    expect(recent.every((m) => m.sender.id !== doctor)).toBe(true);

    const conversations = await listConversations(doctor);
    expect(conversations).toHaveLength(200);
    expect(conversations[0]!.other.name).toBe("Patient 199");
    expect(conversations.find((c) => c.other.name === "Patient 0")!.unread).toBe(1);
    expect(conversations.find((c) => c.other.name === "Patient 1")!.unread).toBe(2);

    // Reading one room lowers the total by exactly its unread count and clears its mark.
    await markRead({ roomId: rooms[199]!.id, userId: doctor, seq: 3 });
    expect(await unreadTotal(doctor)).toBe(300 - 2);
    const after = await recentMessages(doctor);
    expect(after.slice(0, 3).map((m) => [m.body, m.unread])).toEqual([
      ["Room 199 last", false],
      ["Room 199 first", false],
      ["Room 198 last", true],
    ]);
  });

  it("only ever count the asking user's rooms", async () => {
    const { doctor } = await doctorWithRooms(3);
    const other = await makeUser("doctor", "Dr Elsewhere");
    expect(await unreadTotal(other)).toBe(0);
    expect(await recentMessages(other)).toEqual([]);
    expect(await unreadTotal(doctor)).toBe(1 + 2 + 1);
  });
});
