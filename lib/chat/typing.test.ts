import crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { doctorProfiles, users } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { liveHub } from "@/lib/live/hub";
import type { LiveEvent } from "@/lib/live/events";
import { TYPING } from "@/lib/shared/model";
import { setupTestDatabase } from "@/test/db";
import { makeRoom } from "@/test/matrix/world";
import { resetTypingThrottle, signalTyping } from "./typing";

const t = setupTestDatabase();
const db = () => t.handle.db;

async function makeUser(role: "patient" | "doctor"): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({
      name: `${role} ${crypto.randomBytes(3).toString("hex")}`,
      email: `${role}-${crypto.randomBytes(6).toString("hex")}@example.test`,
      passwordHash: "not-a-real-hash",
      role,
      emailVerifiedAt: new Date(),
    })
    .returning({ id: users.id });
  if (role === "doctor")
    await db().insert(doctorProfiles).values({ userId: row!.id, specialty: "Cardiology", bio: "", timeZone: "UTC" });
  return row!.id;
}

/** Every live event each user receives from now on. */
const offs: (() => void)[] = [];
async function listen(...userIds: string[]): Promise<Map<string, LiveEvent[]>> {
  const received = new Map<string, LiveEvent[]>();
  for (const id of userIds) {
    received.set(id, []);
    offs.push(await liveHub().subscribe(id, (event) => received.get(id)!.push(event)));
  }
  return received;
}
const settle = () => new Promise((r) => setTimeout(r, 300));

beforeEach(() => resetTypingThrottle());
afterEach(() => offs.splice(0).forEach((off) => off()));

describe("the typing indicator's signal", () => {
  it("reaches the other member only, at most once per throttle period per member and room", async () => {
    const patient = await makeUser("patient");
    const doctor = await makeUser("doctor");
    const { roomId } = await makeRoom(db(), patient, doctor);
    const inbox = await listen(patient, doctor);
    const now = Date.now();

    expect(await signalTyping({ roomId, userId: patient, now })).toEqual({ sent: true });
    expect(await signalTyping({ roomId, userId: patient, now: now + TYPING.throttleMs - 1 })).toEqual({ sent: false });
    // The other member's own typing has its own allowance.
    expect(await signalTyping({ roomId, userId: doctor, now: now + 10 })).toEqual({ sent: true });
    expect(await signalTyping({ roomId, userId: patient, now: now + TYPING.throttleMs })).toEqual({ sent: true });
    await settle();

    expect(inbox.get(doctor)).toEqual([
      { type: "typing", roomId, userId: patient },
      { type: "typing", roomId, userId: patient },
    ]);
    expect(inbox.get(patient)).toEqual([{ type: "typing", roomId, userId: doctor }]);
  });

  it("a stranger, another room's member or an unknown room gets not-found, and nobody hears of it", async () => {
    const patient = await makeUser("patient");
    const doctor = await makeUser("doctor");
    const stranger = await makeUser("patient");
    const { roomId } = await makeRoom(db(), patient, doctor);
    await makeRoom(db(), stranger, doctor);
    const inbox = await listen(patient, doctor);

    for (const attempt of [
      signalTyping({ roomId, userId: stranger }),
      signalTyping({ roomId: crypto.randomUUID(), userId: patient }),
    ]) {
      const error = await attempt.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("not_found");
    }
    await settle();
    expect(inbox.get(patient)).toEqual([]);
    expect(inbox.get(doctor)).toEqual([]);
  });
});
