/**
 * npm run bench:notify — the email queue under load, and what it costs a send.
 *
 * 1. Send path: the real sendMessage, alternately with and without creating its email job, 1 000
 *    times on PostgreSQL (100 senders): p50/p95 of each side by side (goal: under 1 ms added).
 * 2. Drain, two worker processes (as two servers would) sending to an SMTP server in this process,
 *    every email counted per recipient (lost, duplicated):
 *    - burst: 10 000 "unread message" jobs for 10 000 distinct people, all due at one instant:
 *      emails per second (goal >= 200);
 *    - steady: 6 000 jobs falling due at 200 a second: time from each delay's end to the email's
 *      arrival, p50/p95/max (goal p95 < 5 s). In the burst the last email necessarily waits the
 *      whole drain, so its p95 measures the queue's length, not its promptness.
 * Exits non-zero when any goal is missed, any email is lost or duplicated, or any attempt failed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { openPostgres } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { sendMessage } from "@/lib/chat/messages";
import { jobQueue, QUEUES, stopJobQueue } from "@/lib/jobs/queue";
import { unreadJobKey } from "@/lib/notify/messages";
import { machineLoad, machineSnapshot } from "./machine";
import { scratchDatabase } from "./server";
import { percentile, table } from "./stats";

const PEOPLE = Number(process.env.BENCH_NOTIFY_PEOPLE ?? 10_000);
const SENDS = Number(process.env.BENCH_NOTIFY_SENDS ?? 1_000);
const SECRET = "bench-notify-secret-".padEnd(40, "x");
const failures: string[] = [];
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

async function main() {
  const scratch = await scratchDatabase("carebridge_notify");
  const handle = openPostgres(scratch.url, { max: 4 });
  const workers: ChildProcess[] = [];
  let smtp: SMTPServer | undefined;
  try {
    await handle.migrate();
    globalThis.__carebridgeDb = handle;
    process.env.AUTH_SECRET = SECRET;
    await jobQueue();
    const db = handle.db;

    // ------------------------------------------------------------ people and rooms
    await db.execute(sql`
      insert into users (id, name, email, password_hash, role)
      select gen_random_uuid(), 'Bench ' || r || ' ' || g, 'bench.' || r || '.' || g || '@example.test', 'x', r
        from generate_series(1, ${PEOPLE}) g, (values ('patient'), ('doctor')) roles(r)
       where r = 'patient' or g <= 100`);
    await db.execute(sql`
      with p as (select id, row_number() over (order by email) n from users where role = 'patient'),
           d as (select id, row_number() over (order by email) n from users where role = 'doctor')
      insert into appointments (patient_id, doctor_id, starts_at, reason, status)
      select p.id, d.id, now() + (p.n || ' hours')::interval, 'Bench', 'accepted'
        from p join d on d.n = (p.n - 1) % 100 + 1`);
    await db.execute(sql`insert into chat_rooms (appointment_id) select id from appointments`);
    await db.execute(sql`
      insert into room_members (room_id, user_id)
      select r.id, u from chat_rooms r join appointments a on a.id = r.appointment_id,
             lateral (values (a.patient_id), (a.doctor_id)) m(u)`);
    const rooms = rowsOf<{ room_id: string; patient_id: string; doctor_id: string; email: string }>(
      await db.execute(sql`
        select r.id as room_id, a.patient_id, a.doctor_id, u.email
          from chat_rooms r join appointments a on a.id = r.appointment_id join users u on u.id = a.patient_id
         order by u.email`),
    );

    // ------------------------------------------------------------ 1. the send path
    const withJob: number[] = [];
    const withoutJob: number[] = [];
    let sendErrors = 0;
    const sendsBefore = machineSnapshot();
    for (let i = 0; i < SENDS + 100; i++) {
      const room = rooms[i % 100]!;
      const email = i % 2 === 0;
      const started = process.hrtime.bigint();
      try {
        await sendMessage({
          roomId: room.room_id,
          senderId: room.doctor_id,
          clientId: crypto.randomUUID(),
          body: "Bench message",
          emailIfUnread: email,
        });
      } catch {
        sendErrors++;
        continue;
      }
      const took = Number(process.hrtime.bigint() - started) / 1e6;
      if (i >= 100) (email ? withJob : withoutJob).push(took);
    }
    const sendsLoad = machineLoad(sendsBefore);
    withJob.sort((a, b) => a - b);
    withoutJob.sort((a, b) => a - b);
    const added = percentile(withJob, 95) - percentile(withoutJob, 95);
    console.log(`\nSend path: ${SENDS} sends (after 100 warm-up), alternating, 100 senders, PostgreSQL`);
    console.log(
      table(
        ["", "sends", "p50", "p95", "errors"],
        [
          [
            "without the email job",
            String(withoutJob.length),
            ms(percentile(withoutJob, 50)),
            ms(percentile(withoutJob, 95)),
            "-",
          ],
          ["with the email job", String(withJob.length), ms(percentile(withJob, 50)), ms(percentile(withJob, 95)), "-"],
        ],
      ),
    );
    console.log(`added by the job (p95): ${ms(added)}  (goal < 1 ms)   send errors: ${sendErrors} of ${SENDS + 100}`);
    console.log(sendsLoad.line);
    if (sendErrors > 0) failures.push(`${sendErrors} sends failed`);
    if (!(added < 1)) failures.push(`the email job added ${ms(added)} to a send's p95 (goal < 1 ms)`);

    // ------------------------------------------------------------ 2. the drain
    await db.execute(sql`delete from pgboss.job where name = ${QUEUES.unreadMessage}`);
    // One unread message from the doctor in each room, written as a send would leave it.
    await db.execute(sql`delete from messages`);
    await db.execute(sql`update chat_rooms set last_seq = 1`);
    await db.execute(sql`
      insert into messages (room_id, seq, sender_id, client_id, body)
      select r.id, 1, a.doctor_id, gen_random_uuid(), 'Bench' from chat_rooms r join appointments a on a.id = r.appointment_id`);
    await db.execute(sql`
      update room_members m set last_read_seq = case when m.user_id = a.doctor_id then 1 else 0 end,
             unread_count = case when m.user_id = a.doctor_id then 0 else 1 end,
             notified_seq = 0, notified_at = null
        from chat_rooms r join appointments a on a.id = r.appointment_id where r.id = m.room_id`);

    const arrivals = new Map<string, number[]>();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        stream.on("data", () => {});
        stream.on("end", () => {
          const at = Date.now();
          for (const r of session.envelope.rcptTo) arrivals.set(r.address, [...(arrivals.get(r.address) ?? []), at]);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp!.listen(0, "127.0.0.1", resolve));
    const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

    for (let w = 0; w < 2; w++) {
      const child = spawn(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", path.join(import.meta.dirname, "notify-worker.ts")],
        {
          cwd: path.join(import.meta.dirname, ".."),
          env: { ...process.env, DATABASE_URL: scratch.url, AUTH_SECRET: SECRET, SMTP_URL: smtpUrl, JOB_WORKERS: "1" },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      workers.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => d.toString().includes("working") && resolve());
        child.on("exit", (code) => reject(new Error(`worker exited with ${code}`)));
      });
    }

    const boss = await jobQueue();
    const expected = new Map(rooms.map((r) => [r.email, r]));

    /** Queues one email job per room, due at `dueOf(i)`, and waits for them all to arrive. */
    async function drain(label: string, count: number, dueOf: (i: number) => Date) {
      arrivals.clear();
      await db.execute(sql`update room_members set notified_seq = 0, notified_at = null`);
      const dues = new Map<string, number>();
      for (let i = 0; i < count; i += 1000) {
        await boss.insert(
          QUEUES.unreadMessage,
          rooms.slice(i, Math.min(count, i + 1000)).map((r, k) => {
            const job = { roomId: r.room_id, userId: r.patient_id };
            const due = dueOf(i + k);
            dues.set(r.email, due.getTime());
            return { data: job, singletonKey: unreadJobKey(job), startAfter: due };
          }),
        );
      }
      const before = machineSnapshot();
      const deadline = Math.max(...dues.values()) + 180_000;
      while (arrivals.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2_000)); // late duplicates would show here
      const load = machineLoad(before);
      const lags = [...arrivals.entries()].filter(([to]) => dues.has(to)).map(([to, at]) => at[0]! - dues.get(to)!);
      lags.sort((x, y) => x - y);
      const firstDue = Math.min(...dues.values());
      const lastArrival = Math.max(...[...arrivals.values()].map((a) => a[0]!));
      const perSecond = lags.length / ((lastArrival - firstDue) / 1000);
      const duplicated = [...arrivals.values()].filter((x) => x.length > 1).length;
      const strangers = [...arrivals.keys()].filter((to) => !expected.has(to)).length;
      const lost = count - lags.length;
      const failed = rowsOf<{ n: number }>(
        await db.execute(
          sql`select count(*)::int as n from pgboss.job where name = ${QUEUES.unreadMessage} and state in ('failed', 'retry')`,
        ),
      )[0]!.n;
      console.log(`\n${label}`);
      console.log(
        table(
          ["emails/s", "p50 after due", "p95 after due", "max", "arrived", "lost", "duplicated", "failed jobs"],
          [
            [
              perSecond.toFixed(0),
              ms(percentile(lags, 50)),
              ms(percentile(lags, 95)),
              ms(lags.at(-1) ?? Number.NaN),
              String(lags.length),
              String(lost),
              String(duplicated),
              String(failed),
            ],
          ],
        ),
      );
      console.log(load.line);
      if (lost > 0) failures.push(`${label}: ${lost} emails lost`);
      if (duplicated > 0) failures.push(`${label}: ${duplicated} people got more than one email`);
      if (strangers > 0) failures.push(`${label}: ${strangers} emails to unexpected addresses`);
      if (failed > 0) failures.push(`${label}: ${failed} jobs failed or are retrying`);
      await db.execute(sql`delete from pgboss.job where name = ${QUEUES.unreadMessage}`);
      return { perSecond, p95: percentile(lags, 95) };
    }

    // All due at one instant: how fast the queue empties.
    const burstAt = new Date(Date.now() + 3_000);
    const burst = await drain(
      `Burst: ${rooms.length} emails for ${rooms.length} people, all due at one instant, two worker processes`,
      rooms.length,
      () => burstAt,
    );
    if (!(burst.perSecond >= 200)) failures.push(`burst: ${burst.perSecond.toFixed(0)} emails/s (goal >= 200)`);
    // Due one after another at 200 a second, as delays end in a busy clinic: how late each goes out.
    const steadyStart = Date.now() + 3_000;
    const steadyCount = Math.min(rooms.length, 6_000);
    const steady = await drain(
      `Steady: ${steadyCount} emails due at 200 a second (one every 5 ms), two worker processes`,
      steadyCount,
      (i) => new Date(steadyStart + i * 5),
    );
    if (!(steady.p95 < 5_000)) failures.push(`steady: p95 ${ms(steady.p95)} after the delay (goal < 5 s)`);
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.on("exit", r) : r(null)))));
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await stopJobQueue();
    await handle.close();
    await scratch.drop();
  }
  console.log(
    failures.length ? `\nFAIL: ${failures.join("; ")}` : "\nPASS: every goal met, nothing lost or duplicated",
  );
  process.exit(failures.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
