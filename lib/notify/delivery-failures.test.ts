import { beforeAll, describe, expect, it } from "vitest";
import { emailDeliveryOverview } from "@/lib/admin/email-delivery";
import { sendMessage } from "@/lib/chat/messages";
import { jobQueue, QUEUES } from "@/lib/jobs/queue";
import { setupTestDatabase } from "@/test/db";
import { jobsOf, mailWithWorkers, pair, settled } from "@/test/notify";
import { unreadJobKey } from "./messages";

/**
 * A mail server that refuses: the email job is retried by pg-boss against the real SMTP listener,
 * and one that keeps failing ends in the dead-letter queue the admin overview shows. The retry
 * schedule is shortened here (20 s with backoff in the product); what retries and dead-letters is
 * the real queue and worker.
 */

const t = setupTestDatabase();
const db = () => t.handle.db;
const mail = mailWithWorkers();
const smtp = () => mail.smtp;
const to = mail.to;

beforeAll(async () => {
  const boss = await jobQueue();
  await boss.updateQueue(QUEUES.unreadMessage, { retryLimit: 2, retryDelay: 1, retryBackoff: false });
});

const send = (roomId: string, senderId: string) =>
  sendMessage({ roomId, senderId, clientId: crypto.randomUUID(), body: "Please call the clinic." });

describe("a mail server that refuses", () => {
  it("once: the email is retried and arrives exactly once, and nothing is dead-lettered", async () => {
    const { patient, doctor, roomId } = await pair(db(), { patient: "Rhea Try", doctor: "Bea Busy" });
    smtp().failNext(1);
    await send(roomId, doctor.id);
    const jobs = await settled(db(), QUEUES.unreadMessage, unreadJobKey({ roomId, userId: patient.id }));
    expect(to(patient.email)).toHaveLength(1);
    expect(jobs.map((j) => j.state)).toEqual(["completed"]);
    const overview = await emailDeliveryOverview();
    expect(overview.deadLetters.map((d) => d.recipient)).not.toContain(patient.email);
  });

  it("every time: after its retries the email is dead-lettered, and the admin sees its type and recipient only", async () => {
    const { patient, doctor, roomId } = await pair(db(), { patient: "Dora Dead", doctor: "Lett Er" });
    const before = await emailDeliveryOverview();
    smtp().failNext(1_000);
    try {
      await send(roomId, doctor.id);
      await expect
        .poll(async () => (await emailDeliveryOverview()).deadLetters.map((d) => d.recipient), {
          timeout: 30_000,
          interval: 250,
        })
        .toContain(patient.email);
    } finally {
      smtp().failNext(0);
    }
    expect(to(patient.email)).toHaveLength(0);
    const [job] = await jobsOf(db(), QUEUES.unreadMessage, unreadJobKey({ roomId, userId: patient.id }));
    expect(job!.state).toBe("failed");

    const overview = await emailDeliveryOverview();
    const dead = overview.deadLetters.find((d) => d.recipient === patient.email)!;
    expect(Object.keys(dead).sort()).toEqual(["attempts", "failedAt", "id", "kind", "recipient"]);
    expect(dead.kind).toBe(QUEUES.unreadMessage);
    expect(dead.attempts).toBe(3);
    expect(JSON.stringify(dead)).not.toContain("Please call");
    expect(overview.failedLast24h).toBe(before.failedLast24h + 1);
    expect(overview.deadLetters).toHaveLength(before.deadLetters.length + 1);
  });
});
