import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Database } from "@/db";
import { appointments, chatRooms, messages, roomMembers, users } from "@/db/schema";
import { recountRoomMembers } from "@/lib/chat/member-state";
import { unreadJobKey } from "@/lib/notify/messages";
import { setupTestDatabase } from "@/test/db";
import { startFixture } from "@/test/fixtures/child";
import { jobsOf, runNow } from "@/test/notify";
import { startSmtpServer } from "@/test/smtp";
import { jobQueue, QUEUES } from "./queue";
import { startJobWorkers, workOn } from "./workers";

/**
 * Several workers on one PostgreSQL, and a worker killed mid-batch: every email goes out exactly
 * once. Needs a PostgreSQL server (TEST_DATABASE_URL, as CI runs): the embedded database belongs to
 * one process, so there is no second worker to have.
 */
const t = setupTestDatabase();
const db = () => t.handle.db;

/** `count` patients each with one unread message from one doctor, and their email jobs queued. */
async function unreadRooms(database: Database, count: number, tag: string) {
  const [doctor] = await database
    .insert(users)
    .values({ name: `Bulk Doctor ${tag}`, email: `bulk.doctor.${tag}@example.test`, passwordHash: "x", role: "doctor" })
    .returning({ id: users.id });
  const patients = await database
    .insert(users)
    .values(
      Array.from({ length: count }, (_, i) => ({
        name: `Bulk Patient ${i}`,
        email: `bulk.${tag}.${i}@example.test`,
        passwordHash: "x",
        role: "patient" as const,
      })),
    )
    .returning({ id: users.id, email: users.email });
  const appts = await database
    .insert(appointments)
    .values(
      patients.map((p, i) => ({
        patientId: p.id,
        doctorId: doctor!.id,
        startsAt: new Date(Date.now() + (i + 1) * 3_600_000),
        status: "accepted" as const,
        reason: "x",
      })),
    )
    .returning({ id: appointments.id });
  const rooms = await database
    .insert(chatRooms)
    .values(appts.map((a) => ({ appointmentId: a.id, lastSeq: 1 })))
    .returning({ id: chatRooms.id });
  await database.insert(roomMembers).values(
    rooms.flatMap((r, i) => [
      { roomId: r.id, userId: patients[i]!.id },
      { roomId: r.id, userId: doctor!.id },
    ]),
  );
  await database
    .insert(messages)
    .values(
      rooms.map((r) => ({ roomId: r.id, seq: 1, senderId: doctor!.id, clientId: crypto.randomUUID(), body: "Bulk" })),
    );
  await recountRoomMembers(
    database,
    rooms.map((r) => r.id),
  );
  const boss = await jobQueue();
  await boss.insert(
    QUEUES.unreadMessage,
    rooms.map((r, i) => {
      const job = { roomId: r.id, userId: patients[i]!.id };
      return { data: job, singletonKey: unreadJobKey(job) };
    }),
  );
  return patients.map((p) => p.email);
}

function onceEach(recipients: string[], received: { envelopeTo: string[] }[]) {
  const counts = new Map<string, number>();
  for (const e of received) for (const r of e.envelopeTo) counts.set(r, (counts.get(r) ?? 0) + 1);
  return {
    lost: recipients.filter((r) => !counts.has(r)).length,
    duplicated: [...counts.values()].filter((n) => n > 1).length,
    strangers: [...counts.keys()].filter((r) => !recipients.includes(r)).length,
  };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("job workers on one PostgreSQL", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    vi.stubEnv("SMTP_URL", smtp.url);
    vi.stubEnv("AUTH_SECRET", "w".repeat(40));
    vi.stubEnv("JOB_SUPERVISE_SECONDS", "2");
  });
  afterAll(async () => {
    await smtp.close();
    vi.unstubAllEnvs();
  });

  it("a worker killed in the middle of a batch loses nothing: its jobs come back and are sent once", async () => {
    const recipients = await unreadRooms(db(), 40, "crash");
    // The doomed worker's mail server takes the data but never says it was accepted.
    const stalled = await startSmtpServer({ holdMs: 120_000 });
    const worker = startFixture("job-worker.ts", [t.handle.url!, stalled.url]);
    try {
      await worker.waitFor("working", 60_000);
      await expect.poll(() => stalled.holding(), { timeout: 30_000 }).toBeGreaterThan(0);
      const active = (await jobsOf(db(), QUEUES.unreadMessage)).filter((j) => j.state === "active").length;
      expect(active, "the killed worker held jobs in flight").toBeGreaterThan(0);
      worker.proc.kill("SIGKILL");
      await worker.exited;
    } finally {
      await worker.stop();
    }
    // This process takes over once the dead worker's heartbeat lapses (10 s) and its jobs are
    // given back for a retry; the retry's backoff is skipped here to keep the test short.
    await startJobWorkers();
    await expect
      .poll(async () => (await jobsOf(db(), QUEUES.unreadMessage)).filter((j) => j.state === "active").length, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(0);
    await runNow(db(), QUEUES.unreadMessage);
    await expect.poll(() => new Set(smtp.received.flatMap((e) => e.envelopeTo)).size, { timeout: 90_000 }).toBe(40);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(onceEach(recipients, smtp.received)).toEqual({ lost: 0, duplicated: 0, strangers: 0 });
    expect(stalled.received).toHaveLength(0);
    await stalled.close();
  }, 150_000);

  it("two workers on the same queue send each email exactly once", async () => {
    const before = smtp.received.length;
    const second = new PgBoss({ connectionString: t.handle.url!, max: 3 });
    second.on("error", () => {});
    await second.start();
    try {
      await workOn(second);
      const recipients = await unreadRooms(db(), 300, "pair");
      await expect.poll(() => smtp.received.length - before, { timeout: 60_000 }).toBe(300);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(onceEach(recipients, smtp.received.slice(before))).toEqual({ lost: 0, duplicated: 0, strangers: 0 });
      const outcomes = (await jobsOf(db(), QUEUES.unreadMessage)).slice(-300).map((j) => j.output?.outcome);
      expect(outcomes.every((o) => o === "sent")).toBe(true);
    } finally {
      await second.stop({ graceful: true, timeout: 5_000 });
    }
  }, 120_000);
});
