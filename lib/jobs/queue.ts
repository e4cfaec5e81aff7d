import "server-only";
import { sql } from "drizzle-orm";
import { fromDrizzle, fromPglite, PgBoss, type Queue, type SendOptions } from "pg-boss";
import { databaseHandle, type Database, type DatabaseHandle } from "@/db";
import { describeError } from "@/lib/errors";
import { readEnv } from "@/lib/env";

/**
 * The durable job queue (pg-boss) on the app's own PostgreSQL, or on the embedded database through
 * pg-boss's PGlite adapter: one per process and database handle, like the handle itself. A job
 * caused by a write is created inside that write's transaction (`enqueue`), so it exists exactly
 * when its cause committed.
 */

/** Every queue, with its retry policy. Emails retry with backoff for about an hour, then dead-letter. */
export const QUEUES = {
  /** A message left unread: one queued job per room and recipient (policy short), however many arrive. */
  unreadMessage: "message-unread",
  /** The hourly pass that finds who gets their daily digest now. */
  digestTick: "message-digest-tick",
  /** One person's daily digest. */
  digest: "message-digest",
  /** An appointment's change, reminder or lapse, for one of its two people. */
  appointmentEmail: "appointment-email",
  /** Password reset, email verification and the like. */
  accountEmail: "account-email",
  /** Every ten minutes: files uploaded over an hour ago that no message took are deleted. */
  attachmentCleanup: "attachment-cleanup",
  /** Jobs that kept failing, kept for an admin to see (type and recipient only). */
  deadLetter: "email-dead-letter",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const RETRYING: Omit<Queue, "name"> = {
  retryLimit: 6,
  retryDelay: 20,
  retryBackoff: true,
  retryDelayMax: 30 * 60,
  // A worker's heartbeat every 5 s; one silent for 10 s (a crashed process) gives its jobs back.
  heartbeatSeconds: 10,
  expireInSeconds: 15 * 60,
  deadLetter: QUEUES.deadLetter,
};

const QUEUE_OPTIONS: Record<QueueName, Omit<Queue, "name">> = {
  [QUEUES.deadLetter]: {},
  [QUEUES.unreadMessage]: { policy: "short", ...RETRYING },
  [QUEUES.digestTick]: { policy: "short", retryLimit: 2, retryDelay: 60, expireInSeconds: 10 * 60 },
  [QUEUES.digest]: { policy: "short", ...RETRYING },
  [QUEUES.appointmentEmail]: { ...RETRYING },
  [QUEUES.accountEmail]: { ...RETRYING, retryLimit: 4, retryDelayMax: 5 * 60 },
  [QUEUES.attachmentCleanup]: { policy: "short", retryLimit: 2, retryDelay: 60, expireInSeconds: 10 * 60 },
};

interface JobQueue {
  boss: PgBoss;
  /** Started, with every queue created and up to date. */
  ready: Promise<PgBoss>;
  started: boolean;
}

declare global {
  var __carebridgeJobs: { handle: DatabaseHandle; queue: JobQueue } | undefined;
}

function open(handle: DatabaseHandle): JobQueue {
  const env = readEnv();
  const timing = {
    superviseIntervalSeconds: env.JOB_SUPERVISE_SECONDS,
    monitorIntervalSeconds: env.JOB_SUPERVISE_SECONDS,
  };
  const boss =
    handle.kind === "pglite"
      ? new PgBoss({ backend: "pglite", db: fromPglite(handle.pglite!), ...timing })
      : // Its own small pool: pg-boss sends multi-statement transactions, which postgres.js's pool refuses.
        new PgBoss({ connectionString: handle.url!, max: 3, application_name: "carebridge-jobs", ...timing });
  boss.on("error", (error: unknown) => console.error("Job queue:", describeError(error)));
  const queue: JobQueue = { boss, ready: Promise.resolve(boss), started: false };
  queue.ready = (async () => {
    await boss.start();
    for (const [name, options] of Object.entries(QUEUE_OPTIONS)) {
      // createQueue ignores options of a queue that exists: bring those up to date instead.
      if (await boss.getQueue(name)) {
        const { policy: _fixed, ...changeable } = options;
        if (Object.keys(changeable).length > 0) await boss.updateQueue(name, changeable);
      } else {
        await boss.createQueue(name, options);
      }
    }
    queue.started = true;
    return boss;
  })();
  queue.ready.catch(() => {});
  return queue;
}

/** This process's job queue, started (the schema is made on first use). */
export function jobQueue(): Promise<PgBoss> {
  const handle = databaseHandle();
  if (globalThis.__carebridgeJobs?.handle !== handle) {
    globalThis.__carebridgeJobs = { handle, queue: open(handle) };
  }
  return globalThis.__carebridgeJobs.queue.ready;
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Creates a job inside the caller's transaction: it commits or rolls back with it. On a queue of
 * policy short, a job for the same `singletonKey` still waiting makes this one nothing (null).
 */
export async function enqueue(
  tx: Tx,
  queue: QueueName,
  data: object,
  options: Omit<SendOptions, "db"> = {},
): Promise<string | null> {
  const current = globalThis.__carebridgeJobs;
  // Starting the queue inside a transaction would wait forever on the embedded database's one
  // connection, which the transaction holds: writers call jobQueue() before they begin.
  if (!current?.queue.started || current.handle !== databaseHandle())
    throw new Error("The job queue is not started: await jobQueue() before the transaction that enqueues.");
  const boss = current.queue.boss;
  // pg-boss types the transaction's execute() more narrowly than Drizzle declares it; the adapter
  // only runs SQL on it, which every Drizzle transaction does.
  return boss.send(queue, data, { ...options, db: fromDrizzle(tx as Parameters<typeof fromDrizzle>[0], sql) });
}

/**
 * The SQL and the JSON argument with which pg-boss would create this job, without running them:
 * for a database function that creates the job itself, within the same call as its cause
 * (lib/chat/send-message.ts). pg-boss builds them as for `send`, from the queue's stored options.
 */
export async function jobInsertStatement(
  queue: QueueName,
  data: object,
  options: Omit<SendOptions, "db"> = {},
): Promise<{ text: string; json: string }> {
  const boss = await jobQueue();
  let captured: { text: string; json: string } | undefined;
  await boss.send(queue, data, {
    ...options,
    db: {
      async executeSql(text: string, values?: unknown[]) {
        if (values?.length !== 1 || typeof values[0] !== "string")
          throw new Error("pg-boss's job insert changed shape: expected one JSON argument");
        captured = { text, json: values[0] };
        return { rows: [{ id: crypto.randomUUID() }] };
      },
    },
  });
  if (!captured) throw new Error("pg-boss built no job insert");
  return captured;
}

/**
 * Drops the job still waiting under this key (not one already running), inside the caller's
 * transaction: reading a conversation cancels the email about it. pg-boss's cancel() takes job ids,
 * which would cost a lookup first; this is the same change in one statement on its job table.
 */
export async function cancelWaiting(
  tx: Pick<Database, "execute">,
  queue: QueueName,
  singletonKey: string,
): Promise<void> {
  await tx.execute(
    sql`delete from pgboss.job where name = ${queue} and singleton_key = ${singletonKey} and state = 'created'`,
  );
}

/** Stops this process's workers (letting active jobs finish for a few seconds) and the queue's pool. */
export async function stopJobQueue(): Promise<void> {
  const current = globalThis.__carebridgeJobs;
  globalThis.__carebridgeJobs = undefined;
  if (!current) return;
  const boss = await current.queue.ready.catch(() => null);
  await boss?.stop({ graceful: true, timeout: 5_000 }).catch(() => {});
}
