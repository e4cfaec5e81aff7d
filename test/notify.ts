import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, vi } from "vitest";
import type { Database } from "@/db";
import { rowsOf } from "@/db/rows";
import { appointments, chatRooms, roomMembers, users } from "@/db/schema";
import type { QueueName } from "@/lib/jobs/queue";
import { startJobWorkers } from "@/lib/jobs/workers";
import { startSmtpServer } from "./smtp";

type SmtpListener = Awaited<ReturnType<typeof startSmtpServer>>;

/** Helpers for tests of emails and jobs: people, rooms, and pg-boss's job table read as it is. */

export async function person(db: Database, role: "patient" | "doctor", name: string) {
  const tag = crypto.randomBytes(4).toString("hex");
  const [row] = await db
    .insert(users)
    .values({ name, email: `${name.toLowerCase().replace(/\W+/g, ".")}.${tag}@example.test`, passwordHash: "x", role })
    .returning({ id: users.id, email: users.email, name: users.name });
  return row!;
}

/** A patient, a doctor, and the room of their accepted appointment, with no messages yet. */
export async function pair(db: Database, names = { patient: "Pat Ient", doctor: "Doc Tor" }) {
  const patient = await person(db, "patient", names.patient);
  const doctor = await person(db, "doctor", names.doctor);
  const [appointment] = await db
    .insert(appointments)
    .values({
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: new Date(Date.now() + 3 * 86_400_000 + Math.floor(Math.random() * 1e6) * 60_000),
      status: "accepted",
      reason: "Private reason for the visit",
    })
    .returning({ id: appointments.id });
  const [room] = await db.insert(chatRooms).values({ appointmentId: appointment!.id }).returning({ id: chatRooms.id });
  await db.insert(roomMembers).values([
    { roomId: room!.id, userId: patient.id },
    { roomId: room!.id, userId: doctor.id },
  ]);
  return { patient, doctor, roomId: room!.id, appointmentId: appointment!.id };
}

export interface JobRow {
  id: string;
  state: string;
  start_after: Date;
  output: { outcome?: string } | null;
  data: Record<string, unknown>;
}

export async function jobsOf(db: Database, queue: QueueName, key?: string): Promise<JobRow[]> {
  return rowsOf<JobRow>(
    await db.execute(sql`
      select id::text, state, start_after, output, data from pgboss.job
       where name = ${queue} ${key === undefined ? sql`` : sql`and singleton_key = ${key}`}
       order by created_on`),
  ).map((r) => ({ ...r, start_after: new Date(r.start_after) }));
}

/** Brings a job waiting for its time forward to now, so the worker takes it at once. */
export async function runNow(db: Database, queue: QueueName, where: { key?: string; event?: string } = {}) {
  await db.execute(sql`
    update pgboss.job set start_after = now()
     where name = ${queue} and state in ('created', 'retry')
       ${where.key === undefined ? sql`` : sql`and singleton_key = ${where.key}`}
       ${where.event === undefined ? sql`` : sql`and data->>'event' = ${where.event}`}`);
}

/** Waits until the queue (or its key) has nothing waiting or running; returns its jobs. */
export async function settled(db: Database, queue: QueueName, key?: string, ms = 20_000): Promise<JobRow[]> {
  let jobs: JobRow[] = [];
  await expect
    .poll(
      async () => {
        jobs = await jobsOf(db, queue, key);
        return jobs.filter(
          (j) => ["created", "retry", "active"].includes(j.state) && j.start_after.getTime() <= Date.now() + 1000,
        ).length;
      },
      { timeout: ms, interval: 100 },
    )
    .toBe(0);
  return jobs;
}

/**
 * For a test file about emails: a real SMTP listener (test/smtp.ts) that SMTP_URL points at, links
 * to a fixed APP_URL, unread emails due at once, and this process working on the job queues.
 */
export function mailWithWorkers(env: Record<string, string> = {}) {
  const mail = {
    smtp: undefined as unknown as SmtpListener,
    /** What the listener received for one address. */
    to: (address: string) => mail.smtp.received.filter((e) => e.envelopeTo.includes(address)),
  };
  beforeAll(async () => {
    mail.smtp = await startSmtpServer();
    vi.stubEnv("SMTP_URL", mail.smtp.url);
    vi.stubEnv("AUTH_SECRET", "n".repeat(40));
    vi.stubEnv("APP_URL", "https://portal.example.test");
    vi.stubEnv("NOTIFY_UNREAD_AFTER_MINUTES", "0");
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    await startJobWorkers();
  });
  afterAll(async () => {
    await mail.smtp.close();
    vi.unstubAllEnvs();
  });
  return mail;
}
