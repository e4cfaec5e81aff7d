import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { appointments, chatRooms, roomMembers, users } from "@/db/schema";
import { recountRoomMembers } from "@/lib/chat/member-state";
import { CONVERSATIONS_PAGE_SIZE } from "@/lib/chat/lists";
import type { ConversationPageJson } from "@/lib/chat/json";
import type { PublicUser } from "@/lib/users/accounts";
import { setupTestDatabase } from "@/test/db";
import { GET } from "./route";

const session = vi.hoisted(() => ({ user: null as PublicUser | null }));
// The real gate, over a session that answers this user as the database would.
vi.mock("@/lib/auth/auth-js", () => {
  const current = async () =>
    session.user ? { userId: session.user.id, sessionId: "00000000-0000-4000-8000-000000000000" } : null;
  return { sessionFromCookie: current, sessionFromRequest: current };
});
vi.mock("@/lib/auth/sessions", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  lookupSession: async () => ({ user: session.user, revoked: false, endsAt: null }),
}));

const t = setupTestDatabase();
const BAD_CURSOR = "That page of conversations is not available. Reload the list and try again.";

async function makeUser(role: "patient" | "doctor", name: string): Promise<PublicUser> {
  const [row] = await t.handle.db
    .insert(users)
    .values({ name, email: `${role}.${crypto.randomUUID()}@example.test`, passwordHash: "x", role })
    .returning({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      active: users.active,
      mustChangePassword: users.mustChangePassword,
    });
  return row!;
}

/** `count` rooms between the doctor and a patient each, with distinct activity times. */
async function roomsFor(doctor: PublicUser, count: number, hour: number): Promise<string[]> {
  const db = t.handle.db;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const patient = await makeUser("patient", `Patient ${hour}.${i}`);
    const [a] = await db
      .insert(appointments)
      .values({
        patientId: patient.id,
        doctorId: doctor.id,
        startsAt: new Date(Date.UTC(2030, 0, 1, hour, i)),
        reason: "Check-up",
        status: "accepted",
      })
      .returning({ id: appointments.id });
    const [room] = await db
      .insert(chatRooms)
      .values({ appointmentId: a!.id, lastActivityAt: new Date(Date.UTC(2029, 0, 1, hour, i)) })
      .returning({ id: chatRooms.id });
    await db.insert(roomMembers).values([
      { roomId: room!.id, userId: patient.id },
      { roomId: room!.id, userId: doctor.id },
    ]);
    ids.push(room!.id);
  }
  await recountRoomMembers(db, ids);
  return ids;
}

async function get(query = ""): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await GET(new NextRequest(new URL(`/api/conversations${query}`, "http://localhost:3000")));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let doctor: PublicUser;
let otherDoctor: PublicUser;
let mine: string[];
let theirs: string[];

beforeAll(async () => {
  doctor = await makeUser("doctor", "Dr Pages");
  otherDoctor = await makeUser("doctor", "Dr Elsewhere");
  mine = await roomsFor(doctor, 35, 9);
  theirs = await roomsFor(otherDoctor, 2, 10);
});

beforeEach(() => {
  session.user = doctor;
});

describe("GET /api/conversations", () => {
  it("answers 401 to a visitor who is not signed in", async () => {
    session.user = null;
    expect((await get()).status).toBe(401);
  });

  it("gives the newest page, then the rest after its cursor: every room once, newest first", async () => {
    const first = await get();
    expect(first.status).toBe(200);
    const page1 = first.body as unknown as ConversationPageJson;
    expect(page1.conversations).toHaveLength(CONVERSATIONS_PAGE_SIZE);
    expect(page1.nextCursor).toEqual(expect.any(String));

    const second = await get(`?before=${encodeURIComponent(page1.nextCursor!)}`);
    expect(second.status).toBe(200);
    const page2 = second.body as unknown as ConversationPageJson;
    expect(page2).toMatchObject({ nextCursor: null });
    const ids = [...page1.conversations, ...page2.conversations].map((c) => c.roomId);
    // Room i was active at minute i: the newest is the last made.
    expect(ids).toEqual([...mine].reverse());
    expect(Object.keys(page1.conversations[0]!).sort()).toEqual([
      "appointmentStartsAt",
      "appointmentStatus",
      "closed",
      "hasDraft",
      "last",
      "lastActivityAt",
      "other",
      "roomId",
      "unread",
    ]);
  });

  it("lists only the caller's rooms, whatever room a cursor names", async () => {
    const cursorOnTheirRoom = `9999999999999999_${theirs[0]}`;
    const { status, body } = await get(`?before=${cursorOnTheirRoom}`);
    expect(status).toBe(200);
    const ids = (body as unknown as ConversationPageJson).conversations.map((c) => c.roomId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => mine.includes(id))).toBe(true);
  });

  it("refuses a cursor it did not make with 400 and a message for a person", async () => {
    for (const bad of [
      "x",
      "12_34",
      "-1_00000000-0000-4000-8000-000000000000",
      `1_${"0".repeat(36)}`,
      "1_00000000-0000-4000-8000-000000000000%00",
      "9".repeat(10_000),
    ]) {
      const { status, body } = await get(`?before=${encodeURIComponent(bad)}`);
      expect({ bad: bad.slice(0, 40), status, body }).toEqual({
        bad: bad.slice(0, 40),
        status: 400,
        body: { error: BAD_CURSOR },
      });
    }
    expect((await get("?before=")).status).toBe(400);
  });

  it("ignores parameters it does not know", async () => {
    const { status, body } = await get(`?limit=1000&userId=${otherDoctor.id}&__proto__=1`);
    expect(status).toBe(200);
    expect((body as unknown as ConversationPageJson).conversations).toHaveLength(CONVERSATIONS_PAGE_SIZE);
  });
});
