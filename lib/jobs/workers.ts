import "server-only";
import type { Job, PgBoss } from "pg-boss";
import { deleteUnsentAttachments } from "@/lib/attachments/cleanup";
import { handleAccountEmail, type AccountEmailJob } from "@/lib/auth/account-emails";
import { describeError } from "@/lib/errors";
import { handleAppointmentEmail, type AppointmentEmailJob } from "@/lib/notify/appointments";
import { handleDigest, handleDigestTick, handleUnreadMessage, type UnreadMessageJob } from "@/lib/notify/messages";
import { jobQueue, QUEUES, type QueueName } from "./queue";

/**
 * Fetched 20 at a time, fetching again at once while batches come full: pg-boss's defaults (one job
 * per two seconds) drained about 1 job a second here; these drained 4 000–5 000 a second with two
 * workers (see bench/README.md). Each job of a batch settles on its own (perJobResults).
 */
const WORK = { batchSize: 20, pollingIntervalSeconds: 1, burstWhenBatchFull: true, perJobResults: true } as const;

type Handler<T> = (job: { id: string; data: T }) => Promise<unknown>;

const HANDLERS: [QueueName, Handler<never>][] = [
  [QUEUES.unreadMessage, handleUnreadMessage as Handler<UnreadMessageJob>],
  [QUEUES.digest, handleDigest as Handler<{ userId: string; day: string }>],
  [QUEUES.digestTick, () => handleDigestTick()],
  [QUEUES.appointmentEmail, handleAppointmentEmail as Handler<AppointmentEmailJob>],
  [QUEUES.accountEmail, handleAccountEmail as Handler<AccountEmailJob>],
  [QUEUES.attachmentCleanup, () => deleteUnsentAttachments()],
];

/**
 * Makes this process work on the queues: every job runs once, in whichever process takes it; a job
 * whose process dies is given back after its heartbeat lapses, and one that keeps failing ends in
 * the dead-letter queue. Also schedules the hourly digest pass (idempotent; one process runs it).
 */
export async function startJobWorkers(): Promise<void> {
  await workOn(await jobQueue());
}

/** The workers on one pg-boss instance (a second instance in the same process stands in for a second server in tests). */
export async function workOn(boss: PgBoss): Promise<void> {
  for (const [queue, handler] of HANDLERS) {
    await boss.work<never, unknown, typeof WORK>(queue, WORK, async (jobs: Job<never>[]) =>
      Promise.all(
        jobs.map(async (job) => {
          try {
            return { id: job.id, status: "completed" as const, output: { outcome: await handler(job) } };
          } catch (error) {
            console.error(`Job ${queue} failed:`, describeError(error));
            return { id: job.id, status: "failed" as const, output: { error: describeError(error) } };
          }
        }),
      ),
    );
  }
  await boss.schedule(QUEUES.digestTick, "0 * * * *", {}, { tz: "UTC" });
  await boss.schedule(QUEUES.attachmentCleanup, "*/10 * * * *", {}, { tz: "UTC" });
}
