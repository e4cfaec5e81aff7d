/**
 * `npm run test:faults` (short, for CI) / `npm run test:faults -- --full` (or FAULTS_FULL=1):
 * PostgreSQL goes away while 500 messages are being sent, and nothing is lost or doubled.
 *
 * 1. The database unreachable at start: `npm run db:migrate` and `next start` each stop with one
 *    clear line naming the server they could not reach (no trace, no query).
 * 2. 50 rooms, patient and doctor of each sending 5 messages (500 in all) through one production
 *    server, as clients that retry with the same clientId. Meanwhile the local cluster is stopped
 *    (short: once, held down about 2 s; full: a plain restart, then a 5 s stop), and while it is
 *    down the running server must show its error state: /api/health 503, the error panel on a page
 *    in a browser, a calm JSON error from an endpoint, none of them with a trace.
 * 3. Afterwards: exactly 500 messages, none twice, each room's seqs 1..last_seq without a gap,
 *    each sender's messages in the order sent, every client answered 2xx; the same server process
 *    answers /api/health 200, takes a new message and pushes its live event.
 * Exits non-zero on any failure; PostgreSQL is started again and scratch data removed whatever
 * happens. It drives the cluster `main`; FAULTS_PG_CLUSTER=<name> with BENCH_SERVER_URL at that
 * cluster's port drives another one, so work on the main cluster is not disturbed meanwhile.
 */
import "../scripts/load-env";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { openPostgres } from "@/db/client";
import { CHROMIUM_ARGS } from "@/test/chromium";
import { chromium, type Browser } from "@playwright/test";
import { freePort } from "../bench/free-port";
import { appDir, nextBin } from "../bench/http";
import { scratchDatabase, sessionCookies, startApp, type AppServer } from "../bench/server";
import { localCluster, type Cluster } from "./cluster";
import { checkErrorState, type CheckResult } from "./error-state";
import { openEventLog, type EventLog } from "./events";
import { request } from "./http";
import { newTally, sendUntilStored, type Delivery, type OutgoingMessage, type SendTally } from "./sender";

const FULL = process.argv.includes("--full") || process.env.FAULTS_FULL === "1";
const ROOMS = 50;
const PER_SENDER = 5;
const TOTAL = ROOMS * 2 * PER_SENDER;

type Outage = { afterStored: number; kind: "restart" } | { afterStored: number; kind: "stop"; holdMs: number };
const PLAN: { gapMs: number; outages: Outage[] } = FULL
  ? {
      gapMs: 2_000,
      outages: [
        { afterStored: 100, kind: "restart" },
        { afterStored: 300, kind: "stop", holdMs: 5_000 },
      ],
    }
  : { gapMs: 400, outages: [{ afterStored: 150, kind: "stop", holdMs: 2_000 }] };

/** Limits for a healthy recovery; generous, since CI machines are slow. */
const HEALTH_DOWN_WITHIN_MS = 5_000;
const RECOVERY_WITHIN_MS = 30_000;
const EVENT_WITHIN_MS = 30_000;

/** The whole run's limit: a hang anywhere ends it as a failure, with PostgreSQL started again. */
const DEADLINE_MS = FULL ? 8 * 60_000 : 4 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const problems: string[] = [];
const runStarted = performance.now();
let currentPhase = "starting";
/** Says what the run is doing, so a failure or a hang in CI shows where. */
function phase(name: string) {
  currentPhase = name;
  console.log(`[${((performance.now() - runStarted) / 1000).toFixed(1)} s] ${name}`);
}
const expect = (ok: boolean, problem: string) => {
  if (!ok) problems.push(problem);
};

// ---------------------------------------------------------------- people and rooms

/** A version-4-shaped UUID derived from a key (the app's validation wants real ones). */
function idFor(key: string): string {
  const md5 = crypto.createHash("md5").update(`fault-${key}`).digest("hex");
  const h = `${md5.slice(0, 12)}4${md5.slice(13, 16)}8${md5.slice(17)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface Person {
  id: string;
  role: "patient" | "doctor";
  cookie: string;
}
interface Room {
  id: string;
  patient: Person;
  doctor: Person;
}

async function makeRooms(url: string, secret: string): Promise<Room[]> {
  const handle = openPostgres(url, { max: 1 });
  try {
    await handle.migrate();
    await handle.sql!.unsafe(`
      create or replace function pg_temp.fault_id(key text) returns uuid language sql immutable
        as $$ select overlay(overlay(md5('fault-' || key) placing '4' from 13) placing '8' from 17)::uuid $$;
      insert into users (id, name, email, password_hash, role)
        select pg_temp.fault_id('p' || i), 'Fault Patient ' || i, 'fault-p' || i || '@example.test', 'x', 'patient' from generate_series(1, ${ROOMS}) i
        union all select pg_temp.fault_id('d' || i), 'Fault Doctor ' || i, 'fault-d' || i || '@example.test', 'x', 'doctor' from generate_series(1, ${ROOMS}) i;
      insert into doctor_profiles (user_id, specialty) select pg_temp.fault_id('d' || i), 'General Practice' from generate_series(1, ${ROOMS}) i;
      insert into appointments (id, patient_id, doctor_id, starts_at, reason, status)
        select pg_temp.fault_id('a' || i), pg_temp.fault_id('p' || i), pg_temp.fault_id('d' || i), date_trunc('hour', now()) + interval '1 day', 'Fault test', 'accepted' from generate_series(1, ${ROOMS}) i;
      insert into chat_rooms (id, appointment_id) select pg_temp.fault_id('r' || i), pg_temp.fault_id('a' || i) from generate_series(1, ${ROOMS}) i;
      insert into room_members (room_id, user_id)
        select pg_temp.fault_id('r' || i), pg_temp.fault_id('p' || i) from generate_series(1, ${ROOMS}) i
        union all select pg_temp.fault_id('r' || i), pg_temp.fault_id('d' || i) from generate_series(1, ${ROOMS}) i;
    `);
  } finally {
    await handle.close();
  }
  const people: Person[] = [];
  for (let i = 1; i <= ROOMS; i++)
    people.push(
      { id: idFor(`p${i}`), role: "patient", cookie: "" },
      { id: idFor(`d${i}`), role: "doctor", cookie: "" },
    );
  const cookies = await sessionCookies(secret, url, people);
  people.forEach((p, i) => (p.cookie = cookies[i]!));
  const rooms: Room[] = [];
  for (let i = 1; i <= ROOMS; i++)
    rooms.push({ id: idFor(`r${i}`), patient: people[2 * (i - 1)]!, doctor: people[2 * (i - 1) + 1]! });
  return rooms;
}

// ---------------------------------------------------------------- 1. unreachable at start

const UNREACHABLE = "postgres://postgres@127.0.0.1:1/carebridge";

/** Runs a command with the database unreachable; its exit code and what it printed on stderr. */
async function runUnreachable(
  args: string[],
  cwd: string,
  secret: string,
  timeoutMs: number,
): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: UNREACHABLE,
      AUTH_SECRET: secret,
    },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  return { code, stderr: stderr.trim(), ms: performance.now() - started };
}

/** One clear line: non-zero exit, one line on stderr naming the server, no trace, no query. */
function expectOneClearLine(what: string, run: { code: number | null; stderr: string }) {
  const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(
    run.code !== null && run.code !== 0,
    `${what} with an unreachable database did not stop with an error (exit ${run.code})`,
  );
  expect(
    lines.length === 1,
    `${what} printed ${lines.length} lines on stderr, expected one:\n${run.stderr.slice(0, 2000)}`,
  );
  expect(
    /127\.0\.0\.1:1\b/.test(run.stderr) && /connect/i.test(run.stderr),
    `${what} does not say which server it could not reach: ${run.stderr.slice(0, 500)}`,
  );
  expect(
    !/\n\s+at |Failed query/.test(run.stderr),
    `${what} printed a stack trace or a query: ${run.stderr.slice(0, 500)}`,
  );
}

/** `npm run db:migrate` and `next start` with DATABASE_URL at a port where nothing listens. */
async function unreachableAtStart(secret: string): Promise<string[]> {
  const migrate = await runUnreachable(
    ["--conditions=react-server", "--import", "tsx", "scripts/db-migrate.ts"],
    process.cwd(),
    secret,
    30_000,
  );
  expectOneClearLine("db:migrate", migrate);
  const dir = appDir();
  const server = await runUnreachable(
    [nextBin(dir), "start", "-p", String(await freePort()), "-H", "127.0.0.1"],
    dir,
    secret,
    30_000,
  );
  expectOneClearLine("next start", server);
  return [
    `db:migrate exit ${migrate.code} after ${migrate.ms.toFixed(0)} ms: "${migrate.stderr}"`,
    `next start exit ${server.code} after ${server.ms.toFixed(0)} ms: "${server.stderr.split("\n")[0]}"`,
  ];
}

// ---------------------------------------------------------------- 2. sending through outages

interface OutageReport {
  kind: Outage["kind"];
  atStored: number;
  /** From the stop (or restart) command to the cluster answering again. */
  downMs: number;
  /** How long `pg_ctlcluster stop` took (it waits for the server to end). */
  stopMs?: number;
  /** From the cluster being back to the server's /api/health answering 200. */
  recoveryMs: number;
  whileDown?: CheckResult;
}

async function waitHealthy(origin: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      if ((await request(`${origin}/api/health`, {}, 5_000)).status === 200) return true;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  return false;
}

async function runOutage(
  outage: Outage,
  cluster: Cluster,
  server: AppServer,
  patient: Person,
  stored: number,
  browser: Browser,
): Promise<OutageReport> {
  phase(`outage: ${outage.kind === "restart" ? "restarting PostgreSQL" : "stopping PostgreSQL"} (${stored} stored)`);
  const started = performance.now();
  let whileDown: CheckResult | undefined;
  let stopMs: number | undefined;
  if (outage.kind === "restart") {
    await cluster.restart();
  } else {
    await cluster.stop();
    const downAt = performance.now();
    stopMs = downAt - started;
    try {
      phase("PostgreSQL is down: health, a page in a browser, a JSON endpoint");
      whileDown = await checkErrorState({
        origin: server.origin,
        cookie: patient.cookie,
        page: "/patient",
        jsonEndpoint: "/api/unread",
        healthWithinMs: HEALTH_DOWN_WITHIN_MS,
        browser,
      });
      for (const p of whileDown.problems) problems.push(`while down: ${p}`);
      await sleep(Math.max(0, outage.holdMs - (performance.now() - downAt)));
    } finally {
      phase("starting PostgreSQL");
      await cluster.start();
    }
  }
  const upAt = performance.now();
  phase("PostgreSQL is back; waiting for the app to be healthy");
  const healthy = await waitHealthy(server.origin, RECOVERY_WITHIN_MS);
  expect(healthy, `/api/health did not answer 200 within ${RECOVERY_WITHIN_MS} ms of PostgreSQL being back`);
  return {
    kind: outage.kind,
    atStored: stored,
    downMs: upAt - started,
    stopMs,
    recoveryMs: performance.now() - upAt,
    whileDown,
  };
}

async function sendThroughOutages(
  server: AppServer,
  rooms: Room[],
  cluster: Cluster,
  tally: SendTally,
  browser: Browser,
): Promise<{ deliveries: Delivery[]; outages: OutageReport[]; ms: number }> {
  const deliveries: Delivery[] = [];
  const outages: OutageReport[] = [];
  const pending = [...PLAN.outages];
  let outageRunning: Promise<void> = Promise.resolve();
  const onStored = () => {
    const next = pending[0];
    if (!next || deliveries.filter((d) => d.status === 200 || d.status === 201).length < next.afterStored) return;
    pending.shift();
    const stored = deliveries.length;
    outageRunning = outageRunning
      .then(async () => {
        outages.push(await runOutage(next, cluster, server, rooms[0]!.patient, stored, browser));
      })
      .catch((error: unknown) => {
        problems.push(
          `the outage after ${stored} stored failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        cluster.ensureRunningSync();
      });
  };

  const started = performance.now();
  // Each person sends in order, as one composer does; their messages are spread over the run.
  const senders = rooms.flatMap((room) => [room.patient, room.doctor].map((person) => ({ room, person })));
  await Promise.all(
    senders.map(async ({ room, person }, s) => {
      await sleep(Math.random() * PLAN.gapMs);
      for (let n = 1; n <= PER_SENDER; n++) {
        const message: OutgoingMessage = {
          roomId: room.id,
          senderId: person.id,
          cookie: person.cookie,
          clientId: crypto.randomUUID(),
          body: `Fault test: sender ${s}, message ${n}`,
        };
        const delivery = await sendUntilStored(server.origin, message, tally);
        deliveries.push(delivery);
        onStored();
        if (n < PER_SENDER) await sleep(PLAN.gapMs * (0.5 + Math.random()));
      }
    }),
  );
  await outageRunning;
  expect(pending.length === 0, `${pending.length} planned outage(s) never ran (too few messages stored?)`);
  return { deliveries, outages, ms: performance.now() - started };
}

// ---------------------------------------------------------------- 3. nothing lost, nothing doubled

async function verifyStored(
  url: string,
  rooms: Room[],
  deliveries: Delivery[],
): Promise<{ stored: number; distinct: number; gapless: number }> {
  const handle = openPostgres(url, { max: 1 });
  try {
    const sql = handle.sql!;
    const ids = rooms.map((r) => r.id);
    const rows = await sql<{ room_id: string; sender_id: string; client_id: string; seq: number; body: string }[]>`
      select room_id, sender_id, client_id, seq, body from messages where room_id = any(${ids}::uuid[]) order by room_id, seq`;
    const distinct = new Set(rows.map((r) => `${r.room_id}/${r.sender_id}/${r.client_id}`)).size;
    expect(rows.length === TOTAL, `${rows.length} messages stored, expected exactly ${TOTAL}`);
    expect(
      distinct === rows.length,
      `${rows.length - distinct} messages stored twice (same room, sender and clientId)`,
    );

    const roomRows = await sql<
      { id: string; last_seq: number }[]
    >`select id, last_seq from chat_rooms where id = any(${ids}::uuid[])`;
    let gapless = 0;
    for (const room of roomRows) {
      const seqs = rows.filter((r) => r.room_id === room.id).map((r) => r.seq);
      const ok = seqs.every((seq, i) => seq === i + 1) && seqs.length === room.last_seq;
      if (ok) gapless++;
      else problems.push(`room ${room.id}: seqs ${seqs.join(",")} with last_seq ${room.last_seq}`);
    }

    const byClientId = new Map(rows.map((r) => [r.client_id, r]));
    for (const d of deliveries) {
      const row = byClientId.get(d.message.clientId);
      if (!row) problems.push(`message ${d.message.clientId} (${d.message.body}) is missing`);
      else if (row.body !== d.message.body || row.sender_id !== d.message.senderId || row.room_id !== d.message.roomId)
        problems.push(`message ${d.message.clientId} stored differently`);
    }
    // A sender's next message left only after the last one was stored, so its seqs must rise.
    const perSender = new Map<string, number[]>();
    for (const d of deliveries) {
      const seq = byClientId.get(d.message.clientId)?.seq;
      if (seq !== undefined) perSender.set(d.message.senderId, [...(perSender.get(d.message.senderId) ?? []), seq]);
    }
    for (const [sender, seqs] of perSender)
      expect(
        seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!),
        `sender ${sender}: seqs out of send order ${seqs.join(",")}`,
      );
    return { stored: rows.length, distinct, gapless };
  } finally {
    await handle.close();
  }
}

/** The same server process, without a restart, is healthy, stores a new message and pushes its event. */
async function verifyRecovered(
  server: AppServer,
  pid: number,
  room: Room,
  doctorEvents: EventLog,
  outageStarted: number,
) {
  expect(server.running() && server.pid === pid, `the server process ${pid} is not running any more`);
  const health = await request(`${server.origin}/api/health`, {}, 10_000).then(
    (r) => r.status,
    () => 0,
  );
  expect(health === 200, `/api/health answered ${health} after recovery`);

  const sentAt = performance.now();
  const tally = newTally();
  const fresh = await sendUntilStored(
    server.origin,
    {
      roomId: room.id,
      senderId: room.patient.id,
      cookie: room.patient.cookie,
      clientId: crypto.randomUUID(),
      body: "After the restart",
    },
    tally,
    { giveUpMs: 10_000 },
  );
  expect(
    fresh.status === 201 && fresh.attempts === 1,
    `a new message after recovery: ${fresh.status} after ${fresh.attempts} attempt(s) ${fresh.failure ?? ""}`,
  );

  const seq = await request(
    `${server.origin}/api/rooms/${room.id}/messages?after=0`,
    { headers: { cookie: room.doctor.cookie } },
    10_000,
  )
    .then(
      (r) =>
        (JSON.parse(r.text) as { messages: { seq: number; body: string }[] }).messages.find(
          (m) => m.body === "After the restart",
        )?.seq,
    )
    .catch(() => undefined);
  expect(seq !== undefined, "the doctor cannot read the new message");
  const event = await doctorEvents.waitFor(
    (e) => e.type === "message" && e.roomId === room.id && e.seq === seq,
    sentAt,
    EVENT_WITHIN_MS,
  );
  expect(
    event !== null,
    `the doctor's live stream did not receive the new message's event within ${EVENT_WITHIN_MS} ms`,
  );
  const resync = doctorEvents.events.some((e) => e.type === "resync" && e.at >= outageStarted);
  expect(resync, "the doctor's live stream was not told to resync after the outage");
  return { sendMs: fresh.ms, eventMs: event ? event.at - sentAt : null, resync };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const cluster = localCluster(process.env.FAULTS_PG_CLUSTER);
  if (!(await cluster.isRunning())) throw new Error(`${cluster.label} is not running; start it first.`);
  const servers: AppServer[] = [];
  let browser: Browser | undefined;
  let dropDatabase: () => Promise<void> = async () => {};
  /** For a signal or a hang: PostgreSQL up again, our processes gone, the scratch database dropped. */
  const abandon = (why: string) => {
    console.error(`\n${why} during "${currentPhase}".`);
    cluster.ensureRunningSync();
    for (const s of servers) {
      try {
        process.kill(-s.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    // Playwright ends the browser it launched when this process exits.
    if (problems.length > 0) console.error(`Problems so far:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    void Promise.race([dropDatabase(), sleep(5_000)]).finally(() => process.exit(1));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => abandon(`Stopped by ${signal}`));
  setTimeout(() => abandon(`FAILED: the run took longer than ${DEADLINE_MS / 1000} s`), DEADLINE_MS).unref();

  console.log(
    `Fault test (${FULL ? "full" : "short"}): ${TOTAL} messages from ${ROOMS * 2} senders in ${ROOMS} rooms; outages: ${PLAN.outages.map((o) => (o.kind === "restart" ? `restart after ${o.afterStored} stored` : `stop ${o.holdMs / 1000} s after ${o.afterStored} stored`)).join(", ")}.`,
  );
  const started = performance.now();
  const secret = crypto.randomBytes(33).toString("base64");
  phase("scratch database");
  const db = await scratchDatabase("carebridge_faults");
  dropDatabase = db.drop;
  let doctorEvents: EventLog | undefined;
  let server: AppServer | undefined;
  try {
    phase("migrations, 50 rooms with a patient and a doctor each");
    const rooms = await makeRooms(db.url, secret);
    // First, as it builds the app when there is no build yet.
    phase("production server");
    server = await startApp({ databaseUrl: db.url, secret, captureStderr: true });
    servers.push(server);

    phase("db:migrate and next start with the database unreachable");
    const start = await unreachableAtStart(secret);
    console.log(`  ${start.join("\n  ")}`);
    const pid = server.pid;
    phase("a doctor's live stream, a browser");
    doctorEvents = await openEventLog(server.origin, rooms[0]!.doctor.cookie);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    });

    phase(`sending ${TOTAL} messages through the outages`);
    const tally = newTally();
    const outageStarted = performance.now();
    const sent = await sendThroughOutages(server, rooms, cluster, tally, browser);
    const delivered = sent.deliveries.filter((d) => d.status === 201 || d.status === 200);
    const replays = sent.deliveries.filter((d) => d.status === 200).length;
    for (const d of sent.deliveries.filter((d) => d.failure)) problems.push(`${d.message.body}: ${d.failure}`);
    expect(sent.deliveries.length === TOTAL, `${sent.deliveries.length} messages sent, expected ${TOTAL}`);

    phase("checking what was stored");
    // A client whose answer was lost sends again: the same clientId is answered 200, not stored twice.
    const resent = await Promise.all(
      sent.deliveries
        .slice(0, 20)
        .map((d) => sendUntilStored(server!.origin, d.message, newTally(), { giveUpMs: 30_000 })),
    );
    const resentOk = resent.filter((d) => d.status === 200).length;
    expect(
      resentOk === resent.length,
      `${resent.length - resentOk} of ${resent.length} resends were not answered 200: ${resent.map((d) => d.status).join(",")}`,
    );

    const stored = await verifyStored(db.url, rooms, sent.deliveries);
    phase("checking the app recovered");
    const recovered = await verifyRecovered(server, pid, rooms[0]!, doctorEvents, outageStarted);

    const errors = [...tally.errors].map(([what, n]) => `${what} ×${n}`).join(", ") || "none";
    console.log(
      `Sent ${sent.deliveries.length} messages in ${(sent.ms / 1000).toFixed(1)} s: ${delivered.length} answered 2xx (${replays} of them 200, already stored), ${tally.attempts - sent.deliveries.length} retries; failed attempts: ${errors}.`,
    );
    console.log(
      `  slowest delivery ${(Math.max(...sent.deliveries.map((d) => d.ms)) / 1000).toFixed(1)} s, most attempts for one message ${Math.max(...sent.deliveries.map((d) => d.attempts))}.`,
    );
    for (const o of sent.outages) {
      console.log(
        `Outage (${o.kind}) after ${o.atStored} stored: PostgreSQL away ${(o.downMs / 1000).toFixed(1)} s${o.stopMs === undefined ? "" : ` (its stop took ${(o.stopMs / 1000).toFixed(1)} s)`}, app healthy ${(o.recoveryMs / 1000).toFixed(1)} s after it was back.`,
      );
      if (o.whileDown) console.log(`  while down: ${o.whileDown.summary}`);
    }
    console.log(
      `Stored: ${stored.stored} messages, ${stored.distinct} distinct; seqs 1..last_seq without a gap in ${stored.gapless} of ${ROOMS} rooms; ${resentOk} of ${resent.length} deliberate resends answered 200 (already stored).`,
    );
    console.log(
      `Recovered without a restart (pid ${pid}): new message stored in ${recovered.sendMs.toFixed(0)} ms, its live event after ${recovered.eventMs === null ? "never" : `${recovered.eventMs.toFixed(0)} ms`}, resync sent: ${recovered.resync ? "yes" : "no"}.`,
    );
  } finally {
    phase("cleaning up");
    doctorEvents?.close();
    await Promise.race([browser?.close(), sleep(10_000)]);
    cluster.ensureRunningSync();
    for (const s of servers) await s.stop();
    await db.drop().catch((error: unknown) => problems.push(`could not drop the scratch database: ${String(error)}`));
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    console.error(
      `\nFAILED in ${seconds} s (${problems.length} problems):\n${problems
        .slice(0, 40)
        .map((p) => `  - ${p}`)
        .join("\n")}`,
    );
    const log = server?.stderr().trim();
    if (log) console.error(`\nThe server's stderr (last 40 lines):\n${log.split("\n").slice(-40).join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log(
      `\nPassed in ${seconds} s: exactly ${TOTAL} messages, none doubled, no gaps; the app recovered by itself.`,
    );
  }
}

main().catch((error: unknown) => {
  localCluster(process.env.FAULTS_PG_CLUSTER).ensureRunningSync();
  console.error(error);
  process.exit(1);
});
