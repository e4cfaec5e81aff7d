import { count, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db/rows";
import { appointments, chatRooms, messages, roomMembers, statDeltas, users } from "@/db/schema";
import { APPOINTMENT_STATUSES, ROLES } from "@/lib/shared/model";
import { setupTestDatabase } from "@/test/db";
import { countMessagesSince, foldCounterDeltas, readCounters } from "./stat-counters";

/**
 * The admin overview reads counters that migration 0008's triggers keep on every write. They must
 * equal what counting the tables gives, after any mix of writes, and writers must never wait on
 * one another for them.
 */
const t = setupTestDatabase();
const db = () => t.handle.db;
const HOUR = 3_600_000;

let serial = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++serial).padStart(12, "0")}`;

async function counted(): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const r of await db().select({ role: users.role, n: count() }).from(users).groupBy(users.role))
    result.set(`users.${r.role}`, r.n);
  for (const r of await db()
    .select({ status: appointments.status, n: count() })
    .from(appointments)
    .groupBy(appointments.status))
    result.set(`appointments.${r.status}`, r.n);
  const [open] = await db()
    .select({ n: count() })
    .from(chatRooms)
    .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
    .where(inArray(appointments.status, ["accepted", "completed"]));
  result.set("rooms.open", open!.n);
  return result;
}

const NAMES = [
  ...ROLES.map((r) => `users.${r}`),
  ...APPOINTMENT_STATUSES.map((s) => `appointments.${s}`),
  "rooms.open",
];
const asObject = (m: Map<string, number>) => Object.fromEntries(NAMES.map((name) => [name, m.get(name) ?? 0]));

async function people(n: number, role: "patient" | "doctor") {
  const ids = Array.from({ length: n }, uuid);
  await db()
    .insert(users)
    .values(
      ids.map((id) => ({ id, name: `Counted ${id.slice(-4)}`, email: `${id}@counted.test`, passwordHash: "x", role })),
    );
  return ids;
}

async function visits(patient: string, doctor: string, statuses: (typeof APPOINTMENT_STATUSES)[number][]) {
  const ids = statuses.map(() => uuid());
  await db()
    .insert(appointments)
    .values(
      ids.map((id, i) => ({
        id,
        patientId: patient,
        doctorId: doctor,
        startsAt: new Date(Date.UTC(2031, 0, 1, 0, serial * 30 + i * 30)),
        reason: "r",
        status: statuses[i]!,
      })),
    );
  return ids;
}

describe("the admin counters", () => {
  it("equal the tables' own counts after inserts, updates and deletes, in bulk and one at a time", async () => {
    const patients = await people(12, "patient");
    const [doctor, otherDoctor] = await people(2, "doctor");
    await db().update(users).set({ role: "doctor" }).where(eq(users.id, patients[11]!));
    await db().delete(users).where(eq(users.id, patients[10]!));

    const ids = await visits(patients[0]!, doctor!, [
      "requested",
      "requested",
      "accepted",
      "accepted",
      "accepted",
      "completed",
      "declined",
    ]);
    await visits(patients[1]!, otherDoctor!, ["requested"]);
    // Rooms for the accepted and completed ones: inserted in bulk, then one alone.
    await db()
      .insert(chatRooms)
      .values([ids[2]!, ids[3]!].map((appointmentId) => ({ id: uuid(), appointmentId })));
    await db().insert(chatRooms).values({ id: uuid(), appointmentId: ids[5]! });
    expect(asObject(await readCounters())).toEqual(asObject(await counted()));

    // Accepted with a room → cancelled closes it; accepted → completed keeps it open; a room of a
    // requested visit does not count until the visit is accepted.
    await db().update(appointments).set({ status: "cancelled" }).where(eq(appointments.id, ids[2]!));
    await db().update(appointments).set({ status: "completed" }).where(eq(appointments.id, ids[3]!));
    await db().insert(chatRooms).values({ id: uuid(), appointmentId: ids[0]! });
    await db().update(appointments).set({ status: "accepted" }).where(eq(appointments.id, ids[0]!));
    await db()
      .update(appointments)
      .set({ status: "declined" })
      .where(inArray(appointments.id, [ids[1]!, ids[4]!]));
    const emptyRoom = uuid();
    await db().insert(chatRooms).values({ id: emptyRoom, appointmentId: ids[4]! });
    await db().delete(chatRooms).where(eq(chatRooms.id, emptyRoom));
    expect(asObject(await readCounters())).toEqual(asObject(await counted()));

    await foldCounterDeltas();
    expect(await db().select({ n: count() }).from(statDeltas)).toEqual([{ n: 0 }]);
    expect(asObject(await readCounters())).toEqual(asObject(await counted()));
  });

  it("write nothing for an update that leaves the counted columns as they were", async () => {
    const [patient] = await people(1, "patient");
    await foldCounterDeltas();
    await db().update(users).set({ name: "Renamed" }).where(eq(users.id, patient!));
    await db().update(users).set({ active: false });
    expect(await db().select({ n: count() }).from(statDeltas)).toEqual([{ n: 0 }]);
  });

  it.runIf(process.env.TEST_DATABASE_URL)("never make two transactions wait on each other (PostgreSQL)", async () => {
    // Two transactions that each change two appointments, in crossed orders of status. Counter
    // rows updated in place would have each hold a row the other wants: a deadlock, one refused.
    const [patient, doctor] = [(await people(1, "patient"))[0]!, (await people(1, "doctor"))[0]!];
    const [a1, a2, b1, b2] = await visits(patient, doctor, ["requested", "accepted", "accepted", "requested"]);
    let arrived = 0;
    let release: () => void = () => {};
    const bothArrived = new Promise<void>((resolve) => (release = resolve));
    const meet = () => (++arrived === 2 ? release() : undefined, bothArrived);
    const change = (
      first: string,
      firstTo: "declined" | "cancelled",
      second: string,
      secondTo: "declined" | "cancelled",
    ) =>
      db().transaction(async (tx) => {
        await tx.update(appointments).set({ status: firstTo }).where(eq(appointments.id, first));
        await meet();
        await tx.update(appointments).set({ status: secondTo }).where(eq(appointments.id, second));
      });
    const before = asObject(await readCounters());
    const outcomes = await Promise.allSettled([
      change(a1!, "declined", a2!, "cancelled"),
      change(b1!, "cancelled", b2!, "declined"),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled"]);
    const after = asObject(await readCounters());
    expect(after["appointments.requested"]).toBe(before["appointments.requested"]! - 2);
    expect(after["appointments.accepted"]).toBe(before["appointments.accepted"]! - 2);
    expect(after["appointments.declined"]).toBe(before["appointments.declined"]! + 2);
    expect(after["appointments.cancelled"]).toBe(before["appointments.cancelled"]! + 2);
    expect(after).toEqual(asObject(await counted()));
  });
});

describe("messages since an instant", () => {
  it("match a count of the messages for any instant, on an hour or inside one, whatever the writer's time zone", async () => {
    const [patient] = await people(1, "patient");
    const [doctor] = await people(1, "doctor");
    const [visit] = await visits(patient!, doctor!, ["accepted"]);
    const room = uuid();
    await db().insert(chatRooms).values({ id: room, appointmentId: visit! });
    await db()
      .insert(roomMembers)
      .values([
        { roomId: room, userId: patient! },
        { roomId: room, userId: doctor! },
      ]);
    const base = Date.UTC(2031, 5, 1, 12, 0, 0);
    // Every 7 minutes over 30 hours, written by a session in a time zone half an hour off UTC.
    const times = Array.from({ length: 258 }, (_, i) => new Date(base + i * 7 * 60_000 + 1234));
    await db().transaction(async (tx) => {
      await tx.execute(sql`set local time zone 'Asia/Kolkata'`);
      // Half in one statement, the rest one by one.
      await tx.insert(messages).values(
        times.slice(0, 129).map((createdAt, i) => ({
          roomId: room,
          seq: i + 1,
          senderId: patient!,
          clientId: uuid(),
          body: "b",
          createdAt,
        })),
      );
      for (const [i, createdAt] of times.slice(129).entries()) {
        await tx
          .insert(messages)
          .values({ roomId: room, seq: 130 + i, senderId: doctor!, clientId: uuid(), body: "b", createdAt });
      }
    });
    const instants = [
      base - HOUR,
      base,
      base + 1,
      base + 30 * 60_000,
      base + 5 * HOUR + 17 * 60_000 + 3_500,
      base + 24 * HOUR,
      base + 29 * HOUR + 59 * 60_000,
      base + 31 * HOUR,
    ];
    for (const at of instants) {
      const since = new Date(at);
      const [direct] = rowsOf<{ n: number }>(
        await db().execute(
          sql`select count(*)::int as n from messages where created_at >= ${since.toISOString()}::timestamptz`,
        ),
      );
      expect(await countMessagesSince(since), since.toISOString()).toBe(direct!.n);
    }
    expect(await countMessagesSince(new Date(base))).toBe(258);

    await db().delete(messages).where(eq(messages.roomId, room));
    expect(await countMessagesSince(new Date(base - HOUR))).toBe(0);
  });
});
