import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openPostgres, type DatabaseHandle } from "@/db/client";
import { doctorProfiles, users, workingHours } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { setUserActive } from "@/lib/users/admin";
import { requestAppointment, transitionAppointment } from "@/lib/appointments/requests";
import { markRead, sendMessage } from "@/lib/chat/messages";
import { liveEventStream } from "./stream";
import { createLiveHub, liveHub, publishInTransaction, type LiveHub } from "./hub";
import type { LiveEvent } from "./events";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";

const t = setupTestDatabase();
const serverUrl = process.env.TEST_DATABASE_URL;

/** Collects what a subscriber receives; `next()` waits for the next event. */
function inbox() {
  const events: LiveEvent[] = [];
  const waiters: (() => void)[] = [];
  return {
    events,
    push: (event: LiveEvent) => {
      events.push(event);
      waiters.splice(0).forEach((w) => w());
    },
    async waitFor(n: number, timeoutMs = 3_000): Promise<LiveEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} events, got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
  };
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
const uuid = () => crypto.randomUUID();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.runIf(serverUrl)("across database connections (PostgreSQL)", () => {
  function instance(): LiveHub & { handle: DatabaseHandle } {
    const handle = openPostgres(serverUrl!, { max: 2 });
    const rt = createLiveHub(handle);
    cleanups.push(async () => {
      await rt.close();
      await handle.close();
    });
    return Object.assign(rt, { handle });
  }

  it("delivers an event published on one instance to a subscriber on another, and only to its user", async () => {
    const a = instance();
    const b = instance();
    const alice = uuid();
    const bob = uuid();
    const forAlice = inbox();
    const forBob = inbox();
    await b.subscribe(alice, forAlice.push);
    await b.subscribe(bob, forBob.push);

    const event: LiveEvent = { type: "message", roomId: uuid(), seq: 7, from: uuid() };
    await a.publish([alice], event);
    expect(await forAlice.waitFor(1)).toEqual([event]);
    await settle();
    expect(forBob.events).toEqual([]);
  });

  it("tells every subscriber to resync when its listening connection was lost and re-established", async () => {
    const a = instance();
    const user = uuid();
    const box = inbox();
    await a.subscribe(user, box.push);
    // Kill the LISTEN connection from the outside, as a database restart or network cut would.
    const admin = openPostgres(serverUrl!, { max: 1 });
    cleanups.push(() => admin.close());
    const killed =
      await admin.sql!`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen%' and datname = current_database() and pid <> pg_backend_pid()`;
    expect(killed.length).toBeGreaterThan(0);
    expect(await box.waitFor(1, 10_000)).toContainEqual({ type: "resync" });
    // And it listens again: a new event arrives.
    const event: LiveEvent = { type: "read", roomId: uuid(), userId: user, seq: 3 };
    await instance().publish([user], event);
    await expect.poll(() => box.events, { timeout: 5_000 }).toContainEqual(event);
  });
});

describe("one process (the embedded default, or the server)", () => {
  it("delivers to the user's own subscribers only, and forgets a subscriber once it unsubscribes", async () => {
    const rt = createLiveHub(t.handle);
    cleanups.push(() => rt.close());
    const alice = uuid();
    const box = inbox();
    const other = inbox();
    const off = await rt.subscribe(alice, box.push);
    const offOther = await rt.subscribe(uuid(), other.push);
    expect(rt.listenerCount()).toBe(2);
    await rt.publish([alice], { type: "resync" });
    expect(await box.waitFor(1)).toEqual([{ type: "resync" }]);
    off();
    offOther();
    expect(rt.listenerCount()).toBe(0);
    await rt.publish([alice], { type: "resync" });
    await settle();
    expect(box.events).toHaveLength(1);
    expect(other.events).toEqual([]);
  });

  it("ignores a malformed payload instead of passing it on", async () => {
    if (!t.handle.sql) return; // only a NOTIFY from outside can carry one
    const rt = createLiveHub(t.handle);
    cleanups.push(() => rt.close());
    const user = uuid();
    const box = inbox();
    await rt.subscribe(user, box.push);
    await t.handle.sql.notify(
      "carebridge_events",
      JSON.stringify({ to: [user], event: { type: "message", roomId: "x", body: "secret" } }),
    );
    await t.handle.sql.notify("carebridge_events", "not json");
    await rt.publish([user], { type: "resync" });
    expect(await box.waitFor(1)).toEqual([{ type: "resync" }]);
    await settle();
    expect(box.events).toEqual([{ type: "resync" }]);
  });
});

// ---------------------------------------------------------------- what the domain publishes

async function makeUser(role: "patient" | "doctor"): Promise<string> {
  const [row] = await t.handle.db
    .insert(users)
    .values({ name: `${role} ${uuid().slice(0, 6)}`, email: `${role}-${uuid()}@example.test`, passwordHash: "x", role })
    .returning({ id: users.id });
  if (role === "doctor") {
    await t.handle.db
      .insert(doctorProfiles)
      .values({ userId: row!.id, specialty: "General Practice", bio: "", timeZone: "Europe/London" });
    await t.handle.db.insert(workingHours).values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: row!.id, ...h })));
  }
  return row!.id;
}

// Ahead of the real clock, so rooms are within their reply window (sending reads the real clock).
const NOW = new Date("2032-01-14T12:00:00Z");
const THURSDAY_10 = new Date("2032-01-15T10:00:00Z");

describe("the domain publishes after each committed change", () => {
  async function listen(...userIds: string[]) {
    const boxes = userIds.map(() => inbox());
    for (const [i, id] of userIds.entries()) {
      const off = await liveHub().subscribe(id, boxes[i]!.push);
      cleanups.push(async () => off());
    }
    return boxes;
  }

  it("tells both members of a message, a read cursor and each appointment change, and nobody else", async () => {
    const patient = await makeUser("patient");
    const doctor = await makeUser("doctor");
    const stranger = await makeUser("patient");
    const [p, d, s] = await listen(patient, doctor, stranger);

    const { id } = await requestAppointment({
      patientId: patient,
      doctorId: doctor,
      startsAt: THURSDAY_10,
      reason: "Check-up",
      now: NOW,
    });
    const requested = { type: "appointment", appointmentId: id, status: "requested" };
    await expect.poll(() => d!.events).toContainEqual(requested);
    expect(p!.events).toContainEqual(requested);

    const { roomId } = await transitionAppointment({ actorId: doctor, appointmentId: id, action: "accept", now: NOW });
    await expect.poll(() => p!.events).toContainEqual({ type: "appointment", appointmentId: id, status: "accepted" });

    const { message } = await sendMessage({ roomId: roomId!, senderId: doctor, clientId: uuid(), body: "Hello" });
    // Each member's stream carries their own unread total, never the other's.
    const sent = { type: "message", roomId, seq: message.seq, from: doctor };
    await expect.poll(() => p!.events).toContainEqual({ ...sent, unread: 1 });
    expect(d!.events).toContainEqual({ ...sent, unread: 0 });

    await markRead({ roomId: roomId!, userId: patient, seq: message.seq });
    const read = { type: "read", roomId, userId: patient, seq: message.seq };
    await expect.poll(() => d!.events).toContainEqual(read);
    expect(p!.events).toContainEqual({ ...read, unread: 0 });

    await settle();
    expect(s!.events).toEqual([]);
    // Ids and types only: no body, reason or name travels in an event.
    expect(JSON.stringify([...p!.events, ...d!.events])).not.toMatch(/Hello|Check-up/);
  });

  it("does not announce a resend of the same message twice", async () => {
    const patient = await makeUser("patient");
    const doctor = await makeUser("doctor");
    const { id } = await requestAppointment({
      patientId: patient,
      doctorId: doctor,
      startsAt: THURSDAY_10,
      reason: "Check-up",
      now: NOW,
    });
    const { roomId } = await transitionAppointment({ actorId: doctor, appointmentId: id, action: "accept", now: NOW });
    const [p] = await listen(patient);
    const clientId = uuid();
    await sendMessage({ roomId: roomId!, senderId: doctor, clientId, body: "Once" });
    await sendMessage({ roomId: roomId!, senderId: doctor, clientId, body: "Once" });
    await settle();
    expect(p!.events.filter((e) => e.type === "message")).toHaveLength(1);
  });

  it("publishes a message's event inside its transaction: delivered though nothing runs after the commit", async () => {
    const patient = await makeUser("patient");
    const doctor = await makeUser("doctor");
    const { id } = await requestAppointment({
      patientId: patient,
      doctorId: doctor,
      startsAt: THURSDAY_10,
      reason: "x",
      now: NOW,
    });
    const { roomId } = await transitionAppointment({ actorId: doctor, appointmentId: id, action: "accept", now: NOW });
    const [p] = await listen(patient);
    // As if the process died right after the commit: the after-commit publish path fails.
    const hub = liveHub();
    const publish = vi.spyOn(hub, "publish").mockRejectedValue(new Error("the process is gone"));
    try {
      const { message } = await sendMessage({
        roomId: roomId!,
        senderId: doctor,
        clientId: uuid(),
        body: "Still told",
      });
      await expect
        .poll(() => p!.events)
        .toContainEqual({ type: "message", roomId, seq: message.seq, from: doctor, unread: 1 });
      expect(publish).not.toHaveBeenCalled();
    } finally {
      publish.mockRestore();
    }
  });

  it("publishes nothing for a write that rolled back", async () => {
    const patient = await makeUser("patient");
    const [p] = await listen(patient);
    await t.handle.db
      .transaction(async (tx) => {
        await publishInTransaction(tx, [patient], { type: "resync" });
        throw new Error("roll back");
      })
      .catch(() => {});
    await settle(500);
    expect(p!.events.filter((e) => e.type === "resync")).toEqual([]);
  });

  it("ends a deactivated user's streams", async () => {
    const patient = await makeUser("patient");
    const [admin] = await t.handle.db
      .insert(users)
      .values({ name: "Admin", email: `admin-${uuid()}@example.test`, passwordHash: "x", role: "admin" })
      .returning({ id: users.id });
    const controller = new AbortController();
    const stream = liveEventStream({ userId: patient, hub: liveHub(), signal: controller.signal });
    const text = readAll(stream);
    await expect.poll(() => liveHub().listenerCount()).toBeGreaterThan(0);
    const before = liveHub().listenerCount();
    await setUserActive({ adminId: admin!.id, userId: patient, active: false });
    expect(await text).toContain('"type":"session-ended"');
    expect(liveHub().listenerCount()).toBe(before - 1);
    expect(
      (await t.handle.db.select({ active: users.active }).from(users).where(eq(users.id, patient)))[0]?.active,
    ).toBe(false);
  });
});

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let out = "";
  for await (const chunk of stream) out += decoder.decode(chunk);
  return out;
}
