import { count, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/db";
import { seedDemoData } from "./seed";
import { appointments, chatRooms, doctorProfiles, messages, roomMembers, users } from "./schema";
import { APPOINTMENT_STATUSES } from "@/lib/shared/model";

const t = setupTestDatabase();

async function tableCounts() {
  const db = t.handle.db;
  const [u] = await db.select({ n: count() }).from(users);
  const [a] = await db.select({ n: count() }).from(appointments);
  const [r] = await db.select({ n: count() }).from(chatRooms);
  const [m] = await db.select({ n: count() }).from(messages);
  return { users: u!.n, appointments: a!.n, rooms: r!.n, messages: m!.n };
}

describe("demo data", () => {
  it("loads the accounts, every status and five rooms of ten messages", async () => {
    expect(await seedDemoData(t.handle.db)).toBe(true);
    const db = t.handle.db;
    const names = (await db.select({ name: users.name, role: users.role }).from(users)).map(
      (u) => `${u.role}:${u.name}`,
    );
    expect(names).toContain("doctor:Emily Davis");
    expect(names).toContain("patient:Carol Anderson");
    expect(names.filter((n) => n.startsWith("admin:"))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith("doctor:")).length).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => n.startsWith("patient:")).length).toBeGreaterThanOrEqual(5);
    const specialties = await db.select({ s: doctorProfiles.specialty }).from(doctorProfiles);
    expect(specialties.every((s) => s.s.length > 0)).toBe(true);

    const statuses = new Set((await db.select({ s: appointments.status }).from(appointments)).map((r) => r.s));
    expect([...statuses].sort()).toEqual([...APPOINTMENT_STATUSES].sort());

    const rooms = await db.select({ id: chatRooms.id, lastSeq: chatRooms.lastSeq }).from(chatRooms);
    expect(rooms).toHaveLength(5);
    for (const room of rooms) {
      const [m] = await db.select({ n: count() }).from(messages).where(eq(messages.roomId, room.id));
      expect(m!.n).toBe(10);
      expect(room.lastSeq).toBe(10);
      // Unread on each side: messages after the member's cursor sent by the other member.
      const unread = await db
        .select({ userId: roomMembers.userId, n: sql<number>`count(${messages.seq})::int` })
        .from(roomMembers)
        .leftJoin(
          messages,
          sql`${messages.roomId} = ${roomMembers.roomId} and ${messages.seq} > ${roomMembers.lastReadSeq} and ${messages.senderId} <> ${roomMembers.userId}`,
        )
        .where(eq(roomMembers.roomId, room.id))
        .groupBy(roomMembers.userId);
      expect(unread).toHaveLength(2);
      expect(unread.every((u) => u.n > 0)).toBe(true);
    }
  });

  it("changes nothing when run a second time", async () => {
    const before = await tableCounts();
    expect(await seedDemoData(t.handle.db)).toBe(false);
    expect(await tableCounts()).toEqual(before);
  });
});
