import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, chatRooms, messages, roomMembers, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { markRead } from "./messages";
import {
  CONVERSATIONS_PAGE_SIZE,
  listConversations,
  recentMessages,
  unreadTotal,
  type ConversationSummary,
} from "@/lib/chat/lists";
import { recountRoomMembers } from "./member-state";
import { conversationCursorSchema } from "@/lib/schemas/conversations";

const t = setupTestDatabase();

async function makeUser(role: "patient" | "doctor", name: string) {
  const [u] = await t.handle.db
    .insert(users)
    .values({
      name,
      email: `${name.replace(/\W/g, ".").toLowerCase()}.${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
      role,
    })
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
    .values(
      Array.from({ length: count }, (_, i) => ({
        name: `Patient ${i}`,
        email: `p${i}.${crypto.randomUUID()}@example.com`,
        passwordHash: "x",
        role: "patient" as const,
      })),
    )
    .returning({ id: users.id });
  const base = Date.UTC(2030, 0, 1);
  const appts = await db
    .insert(appointments)
    .values(
      patients.map((p, i) => ({
        patientId: p.id,
        doctorId: doctor,
        startsAt: new Date(base + i * 1_800_000),
        reason: "Check-up",
        status: "accepted" as const,
      })),
    )
    .returning({ id: appointments.id, patientId: appointments.patientId });
  const rooms = await db
    .insert(chatRooms)
    .values(
      appts.map((a, i) => ({ appointmentId: a.id, lastSeq: 3, lastActivityAt: new Date(base + i * 60_000 + 3_000) })),
    )
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
        {
          roomId: r.id,
          seq: 1,
          senderId: patient,
          clientId: crypto.randomUUID(),
          body: `Room ${i} first`,
          createdAt: at(1),
        },
        {
          roomId: r.id,
          seq: 2,
          senderId: doctor,
          clientId: crypto.randomUUID(),
          body: `Room ${i} reply`,
          createdAt: at(2),
        },
        {
          roomId: r.id,
          seq: 3,
          senderId: patient,
          clientId: crypto.randomUUID(),
          body: `Room ${i} last`,
          createdAt: at(3),
        },
      ];
    }),
  );
  await recountRoomMembers(
    db,
    rooms.map((r) => r.id),
  );
  return { doctor, rooms };
}

/** Every page of the user's conversations, following `nextCursor` as the list's button does. */
async function allConversations(
  userId: string,
  limit?: number,
): Promise<{ rows: ConversationSummary[]; pages: number }> {
  const rows: ConversationSummary[] = [];
  let before: string | null = null;
  let pages = 0;
  do {
    const page = await listConversations({
      userId,
      limit,
      before: before === null ? undefined : conversationCursorSchema.parse(before),
    });
    rows.push(...page.conversations);
    pages++;
    before = page.nextCursor;
    if (pages > 1_000) throw new Error("the pages never end");
  } while (before !== null);
  return { rows, pages };
}

describe("dashboard counters and recent messages", () => {
  it("are zero and empty for a user with no rooms", async () => {
    const lonely = await makeUser("patient", "No Rooms");
    expect(await unreadTotal(lonely)).toBe(0);
    expect(await recentMessages(lonely)).toEqual([]);
    expect(await listConversations({ userId: lonely })).toEqual({ conversations: [], nextCursor: null });
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

    const firstPage = await listConversations({ userId: doctor });
    expect(firstPage.conversations).toHaveLength(CONVERSATIONS_PAGE_SIZE);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const { rows: conversations, pages } = await allConversations(doctor);
    expect(pages).toBe(Math.ceil(200 / CONVERSATIONS_PAGE_SIZE));
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

describe("the conversation list's pages", () => {
  /** The user's rooms in the list's order, worked out here: activity (to the microsecond) newest first, then room id, highest first. */
  async function expectedOrder(userId: string): Promise<string[]> {
    const rows = await t.handle.db
      .select({
        roomId: roomMembers.roomId,
        micros: sql<string>`(extract(epoch from ${roomMembers.lastActivityAt}) * 1000000)::bigint::text`,
      })
      .from(roomMembers)
      .where(eq(roomMembers.userId, userId));
    return rows
      .sort((a, b) =>
        BigInt(a.micros) === BigInt(b.micros)
          ? a.roomId < b.roomId
            ? 1
            : -1
          : BigInt(a.micros) < BigInt(b.micros)
            ? 1
            : -1,
      )
      .map((r) => r.roomId);
  }

  it("give every room exactly once, in order, through ties in activity and times a microsecond apart", async () => {
    const { doctor, rooms } = await doctorWithRooms(75);
    // Seven activity times a microsecond apart (one JavaScript date for all), about eleven rooms on each.
    for (let k = 0; k < 7; k++) {
      const ids = rooms.filter((_, i) => i % 7 === k).map((r) => r.id);
      const at = sql`'2030-02-01T10:00:00.123Z'::timestamptz + ${k} * interval '1 microsecond'`;
      await t.handle.db.update(chatRooms).set({ lastActivityAt: at }).where(inArray(chatRooms.id, ids));
      await t.handle.db.update(roomMembers).set({ lastActivityAt: at }).where(inArray(roomMembers.roomId, ids));
    }
    const expected = await expectedOrder(doctor);
    expect(new Set(expected).size).toBe(75);
    for (const limit of [1, 7, 11, CONVERSATIONS_PAGE_SIZE]) {
      const { rows, pages } = await allConversations(doctor, limit);
      expect(
        rows.map((c) => c.roomId),
        `pages of ${limit}`,
      ).toEqual(expected);
      expect(pages).toBe(Math.ceil(75 / limit));
    }
  });

  it("never give a page more than the page size, and refuse a cursor that is not one", async () => {
    const { doctor } = await doctorWithRooms(3);
    expect((await listConversations({ userId: doctor, limit: 500 })).conversations).toHaveLength(3);
    for (const bad of [
      "",
      "123",
      "abc_00000000-0000-4000-8000-000000000000",
      "1_not-a-uuid",
      `${"9".repeat(17)}_00000000-0000-4000-8000-000000000000`,
      "1_00000000-0000-4000-8000-000000000000;drop",
    ]) {
      const parsed = conversationCursorSchema.safeParse(bad);
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe(
        "That page of conversations is not available. Reload the list and try again.",
      );
    }
    // A well-formed cursor past every room gives an empty last page.
    expect(
      await listConversations({
        userId: doctor,
        before: conversationCursorSchema.parse("0_00000000-0000-4000-8000-000000000000"),
      }),
    ).toEqual({ conversations: [], nextCursor: null });
  });
});

// ---------------------------------------------------------------- recent messages, against their definition

/** A small deterministic generator (mulberry32), so a failing world can be made again from its seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (below: number) => Math.floor(next() * below) };
}

/**
 * A random world: one doctor, some patients with one to four rooms each, 0 to 9 messages a room
 * from random senders, times from a coarse clock so that many messages in different rooms (and
 * consecutive ones in a room) share their time, and random read cursors. Written straight into
 * the tables, then the members' state counted as sendMessage would have kept it.
 */
async function randomWorld(seed: number) {
  const random = generator(seed);
  const db = t.handle.db;
  const doctor = await makeUser("doctor", `Dr Random ${seed}`);
  const patients = await Promise.all(Array.from({ length: 6 }, (_, i) => makeUser("patient", `Random ${seed} ${i}`)));
  const base = Date.UTC(2031, 0, 1);
  const plan = Array.from({ length: 24 }, (_, i) => ({
    patient: patients[i % patients.length]!,
    startsAt: new Date(base + i * 3_600_000),
  }));
  const appts = await db
    .insert(appointments)
    .values(
      plan.map((p) => ({
        patientId: p.patient,
        doctorId: doctor,
        startsAt: p.startsAt,
        reason: "Random",
        status: "accepted" as const,
      })),
    )
    .returning({ id: appointments.id, patientId: appointments.patientId });
  const messageRows: (typeof messages.$inferInsert)[] = [];
  const roomRows = appts.map((a) => {
    const count = random.int(10);
    let minute = random.int(20);
    for (let seq = 1; seq <= count; seq++) {
      minute += random.int(3); // 0 keeps the time: equal times within a room too
      messageRows.push({
        roomId: "",
        seq,
        senderId: random.next() < 0.5 ? doctor : a.patientId,
        clientId: crypto.randomUUID(),
        body: `${seed}/${a.id}/${seq}`,
        createdAt: new Date(base + minute * 60_000),
      });
    }
    return { appointment: a, count, messages: messageRows.splice(messageRows.length - count, count) };
  });
  const rooms = await db
    .insert(chatRooms)
    .values(
      roomRows.map((r) => ({
        appointmentId: r.appointment.id,
        lastSeq: r.count,
        lastActivityAt: r.messages.at(-1)?.createdAt ?? new Date(base),
      })),
    )
    .returning({ id: chatRooms.id, appointmentId: chatRooms.appointmentId });
  const roomOf = new Map(rooms.map((r) => [r.appointmentId, r.id]));
  await db.insert(roomMembers).values(
    roomRows.flatMap((r) => [
      { roomId: roomOf.get(r.appointment.id)!, userId: r.appointment.patientId, lastReadSeq: random.int(r.count + 1) },
      { roomId: roomOf.get(r.appointment.id)!, userId: doctor, lastReadSeq: random.int(r.count + 1) },
    ]),
  );
  const all = roomRows.flatMap((r) => r.messages.map((m) => ({ ...m, roomId: roomOf.get(r.appointment.id)! })));
  if (all.length) await db.insert(messages).values(all);
  await recountRoomMembers(
    db,
    rooms.map((r) => r.id),
  );
  return { users: [doctor, ...patients], roomIds: rooms.map((r) => r.id) };
}

/** The definition: the user's newest received messages over all their rooms, newest first (ties: higher sequence, then higher room id). */
async function recentByDefinition(userId: string, roomIds: string[], limit: number) {
  const db = t.handle.db;
  const mine = await db
    .select()
    .from(roomMembers)
    .where(and(eq(roomMembers.userId, userId), inArray(roomMembers.roomId, roomIds)));
  const cursorOf = new Map(mine.map((m) => [m.roomId, m.lastReadSeq]));
  const received = mine.length
    ? await db
        .select()
        .from(messages)
        .where(and(inArray(messages.roomId, [...cursorOf.keys()]), sql`${messages.senderId} <> ${userId}`))
        .orderBy(asc(messages.roomId), asc(messages.seq))
    : [];
  return received
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq || (a.roomId < b.roomId ? 1 : -1))
    .slice(0, limit)
    .map((m) => ({
      roomId: m.roomId,
      seq: m.seq,
      body: m.body,
      createdAt: m.createdAt,
      senderId: m.senderId,
      unread: m.seq > cursorOf.get(m.roomId)!,
    }));
}

describe("recent messages on random data", () => {
  it("equal their definition for every user, for several seeds and limits", async () => {
    for (const seed of [1, 2, 3, 4]) {
      const world = await randomWorld(seed);
      for (const userId of world.users) {
        for (const limit of [1, 3, 5, 8]) {
          const actual = (await recentMessages(userId, limit)).map((m) => ({
            roomId: m.roomId,
            seq: m.seq,
            body: m.body,
            createdAt: m.createdAt,
            senderId: m.sender.id,
            unread: m.unread,
          }));
          expect(actual, `seed ${seed}, user ${userId}, limit ${limit}`).toEqual(
            await recentByDefinition(userId, world.roomIds, limit),
          );
        }
      }
    }
  });
});
