/**
 * `npm run bench:delivery`: how fast a message reaches the other member through the live stream.
 * Two production instances share one PostgreSQL; 100 patients on instance A send 50 messages per
 * second in all into their rooms, whose doctors listen on instance B. Each doctor's client does
 * what the browser does: on a "message" event it fetches the messages after the last it holds.
 * Prints send-to-receive latency, messages lost and duplicated, and each server's memory; then
 * the same with push off (the receivers poll every 10 s, as the product falls back to); then
 * 1 000 streams on one instance for the memory each costs.
 */
import "../scripts/load-env";
import crypto from "node:crypto";
import { openPostgres } from "@/db/client";
import { REFETCH } from "@/lib/client/query-keys";
import { openEventStream, rssMb, scratchDatabase, sessionCookies, startApp, type AppServer } from "./server";
import { percentile, table } from "./stats";

const SECONDS = Number(process.env.BENCH_DELIVERY_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_DELIVERY_RATE ?? 50);
const PAIRS = 100;
const MANY = Number(process.env.BENCH_DELIVERY_MANY ?? 1000);

interface Person {
  id: string;
  role: "patient" | "doctor";
  cookie: string;
}
interface Pair {
  roomId: string;
  patient: Person;
  doctor: Person;
}

// ---------------------------------------------------------------- data

async function makePeople(url: string, secret: string): Promise<{ pairs: Pair[]; crowd: Person[] }> {
  const handle = openPostgres(url, { max: 2 });
  try {
    await handle.migrate();
    const sql = handle.sql!;
    // Ids derived from numbers, shaped as version-4 UUIDs (the app's validation wants real ones).
    await sql.unsafe(`
      create or replace function pg_temp.bench_id(key text) returns uuid language sql immutable
        as $$ select overlay(overlay(md5(key) placing '4' from 13) placing '8' from 17)::uuid $$;
      insert into users (id, name, email, password_hash, role)
        select pg_temp.bench_id('p' || i), 'Bench Patient ' || i, 'bench-p' || i || '@example.test', 'x', 'patient' from generate_series(1, ${PAIRS + MANY}) i;
      insert into users (id, name, email, password_hash, role)
        select pg_temp.bench_id('d' || i), 'Bench Doctor ' || i, 'bench-d' || i || '@example.test', 'x', 'doctor' from generate_series(1, ${PAIRS}) i;
      insert into doctor_profiles (user_id, specialty) select pg_temp.bench_id('d' || i), 'General Practice' from generate_series(1, ${PAIRS}) i;
      insert into appointments (id, patient_id, doctor_id, starts_at, reason, status)
        select pg_temp.bench_id('a' || i), pg_temp.bench_id('p' || i), pg_temp.bench_id('d' || i), date_trunc('hour', now()) + interval '1 day', 'Benchmark', 'accepted' from generate_series(1, ${PAIRS}) i;
      insert into chat_rooms (id, appointment_id) select pg_temp.bench_id('r' || i), pg_temp.bench_id('a' || i) from generate_series(1, ${PAIRS}) i;
      insert into room_members (room_id, user_id)
        select pg_temp.bench_id('r' || i), pg_temp.bench_id('p' || i) from generate_series(1, ${PAIRS}) i
        union all select pg_temp.bench_id('r' || i), pg_temp.bench_id('d' || i) from generate_series(1, ${PAIRS}) i;
    `);
    const id = (s: string) => {
      const md5 = crypto.createHash("md5").update(s).digest("hex");
      const h = `${md5.slice(0, 12)}4${md5.slice(13, 16)}8${md5.slice(17)}`;
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    };
    const keys: [string, Person["role"]][] = [];
    for (let i = 1; i <= PAIRS; i++) keys.push([`p${i}`, "patient"], [`d${i}`, "doctor"]);
    for (let i = PAIRS + 1; i <= PAIRS + MANY; i++) keys.push([`p${i}`, "patient"]);
    const people = keys.map(([key, role]) => ({ id: id(key), role }));
    const cookies = await sessionCookies(secret, url, people);
    const persons: Person[] = people.map((p, i) => ({ ...p, cookie: cookies[i]! }));
    const pairs: Pair[] = [];
    for (let i = 1; i <= PAIRS; i++)
      pairs.push({ roomId: id(`r${i}`), patient: persons[2 * (i - 1)]!, doctor: persons[2 * (i - 1) + 1]! });
    const crowd = persons.slice(2 * PAIRS);
    return { pairs, crowd };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------- clients

/** Opens the user's event stream (everything but "ready" to `onEvent`); resolves once subscribed. */
const openStream = (
  origin: string,
  cookie: string,
  onEvent: (event: { type: string; roomId?: string }) => void,
  signal: AbortSignal,
) => openEventStream(origin, cookie, (event) => event.type !== "ready" && onEvent(event), signal);

interface Tally {
  sentAt: Map<string, number>;
  latencies: number[];
  received: Set<string>;
  duplicates: number;
  sendErrors: number;
  sendMs: number[];
}

/** The receiving side of one room, as the browser runs it: fetch what is after the last seq held. */
function receiver(origin: string, pair: Pair, tally: Tally, startSeq: number) {
  let lastSeq = startSeq;
  let running = false;
  let again = false;
  const pull = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const response = await fetch(`${origin}/api/rooms/${pair.roomId}/messages?after=${lastSeq}`, {
          headers: { cookie: pair.doctor.cookie },
        });
        if (!response.ok) continue;
        const { messages } = (await response.json()) as { messages: { seq: number; clientId: string }[] };
        const now = performance.now();
        for (const m of messages) {
          lastSeq = Math.max(lastSeq, m.seq);
          if (!tally.sentAt.has(m.clientId)) continue;
          if (tally.received.has(m.clientId)) tally.duplicates++;
          tally.received.add(m.clientId);
          const sent = tally.sentAt.get(m.clientId);
          if (sent !== undefined) tally.latencies.push(now - sent);
          lastSeq = Math.max(lastSeq, m.seq);
        }
      } while (again);
    } finally {
      running = false;
    }
  };
  return { pull };
}

async function send(origin: string, pair: Pair, tally: Tally, n: number): Promise<void> {
  const clientId = crypto.randomUUID();
  tally.sentAt.set(clientId, performance.now());
  try {
    const response = await fetch(`${origin}/api/rooms/${pair.roomId}/messages`, {
      method: "POST",
      headers: { cookie: pair.patient.cookie, origin, "content-type": "application/json" },
      body: JSON.stringify({ clientId, body: `Benchmark message ${n}` }),
    });
    tally.sendMs.push(performance.now() - tally.sentAt.get(clientId)!);
    if (response.status !== 201) {
      if (tally.sendErrors++ === 0) console.error(`A send failed: ${response.status} ${await response.text()}`);
      tally.sentAt.delete(clientId);
    }
  } catch {
    tally.sendErrors++;
    tally.sentAt.delete(clientId);
  }
}

let databaseUrl = "";

/** Where each room's sequence stands, so a run counts only its own messages. */
async function roomSeqs(pairs: Pair[]): Promise<Map<string, number>> {
  const handle = openPostgres(databaseUrl, { max: 1 });
  try {
    const rows = await handle.sql!<
      { id: string; last_seq: number }[]
    >`select id, last_seq from chat_rooms where id = any(${pairs.map((p) => p.roomId)}::uuid[])`;
    return new Map(rows.map((r) => [r.id, r.last_seq]));
  } finally {
    await handle.close();
  }
}

async function liveStreams(server: AppServer): Promise<number> {
  const health = (await (await fetch(`${server.origin}/api/health`)).json()) as { liveStreams?: number };
  return health.liveStreams ?? -1;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunFigures {
  mode: "push" | "polling";
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  sendErrors: number;
  p50: number;
  p95: number;
  p99: number;
  sendP50: number;
  sendP99: number;
  memory: { server: string; beforeMb: number; connectedMb: number; afterMb: number; streamsAfter: number }[];
}

async function run(
  mode: RunFigures["mode"],
  a: AppServer,
  b: AppServer,
  pairs: Pair[],
  seconds = SECONDS,
): Promise<RunFigures> {
  const tally: Tally = {
    sentAt: new Map(),
    latencies: [],
    received: new Set(),
    duplicates: 0,
    sendErrors: 0,
    sendMs: [],
  };
  const before = [rssMb(a.pid), rssMb(b.pid)];
  const abort = new AbortController();
  const startSeqs = await roomSeqs(pairs);
  const receivers = pairs.map((pair) => ({
    pair,
    r: receiver(b.origin, pair, tally, startSeqs.get(pair.roomId) ?? 0),
  }));
  const pollTimers: NodeJS.Timeout[] = [];
  if (mode === "push") {
    // 200 clients: the doctors listen on B, the patients keep their own streams open on A.
    await Promise.all([
      ...receivers.map(({ pair, r }) =>
        openStream(
          b.origin,
          pair.doctor.cookie,
          (e) => e.type === "message" && e.roomId === pair.roomId && void r.pull(),
          abort.signal,
        ),
      ),
      ...pairs.map((pair) => openStream(a.origin, pair.patient.cookie, () => {}, abort.signal)),
    ]);
  } else {
    for (const { r } of receivers) {
      // Each browser polls on its own phase.
      const start = setTimeout(
        () => pollTimers.push(setInterval(() => void r.pull(), REFETCH.thread)),
        Math.random() * REFETCH.thread,
      );
      pollTimers.push(start);
    }
  }
  const connected = [rssMb(a.pid), rssMb(b.pid)];

  const started = performance.now();
  let n = 0;
  const sends: Promise<void>[] = [];
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE);
    while (n < due) {
      sends.push(send(a.origin, pairs[n % pairs.length]!, tally, n));
      n++;
    }
    await sleep(5);
  }
  await Promise.all(sends);
  // Let the last ones arrive: a moment for push, one poll interval and a bit for polling.
  const deadline = performance.now() + (mode === "push" ? 5_000 : REFETCH.thread + 5_000);
  while (tally.received.size < tally.sentAt.size && performance.now() < deadline) await sleep(100);
  // One last fetch per room catches anything the events missed (counted as lost above if so).
  abort.abort();
  for (const t of pollTimers) clearTimeout(t);
  await sleep(5_000);
  const after = [rssMb(a.pid), rssMb(b.pid)];
  const streams = [await liveStreams(a), await liveStreams(b)];

  const sorted = [...tally.latencies].sort((x, y) => x - y);
  const sendSorted = [...tally.sendMs].sort((x, y) => x - y);
  const sent = tally.sentAt.size;
  let lost = 0;
  for (const id of tally.sentAt.keys()) if (!tally.received.has(id)) lost++;
  return {
    mode,
    sent,
    received: tally.received.size,
    lost,
    duplicated: tally.duplicates,
    sendErrors: tally.sendErrors,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    sendP50: percentile(sendSorted, 50),
    sendP99: percentile(sendSorted, 99),
    memory: ["A", "B"].map((server, i) => ({
      server,
      beforeMb: before[i]!,
      connectedMb: connected[i]!,
      afterMb: after[i]!,
      streamsAfter: streams[i]!,
    })),
  };
}

async function crowdMemory(a: AppServer, crowd: Person[]) {
  const before = rssMb(a.pid);
  const abort = new AbortController();
  const started = performance.now();
  for (let i = 0; i < crowd.length; i += 100) {
    await Promise.all(crowd.slice(i, i + 100).map((p) => openStream(a.origin, p.cookie, () => {}, abort.signal)));
  }
  const connectMs = performance.now() - started;
  await sleep(2_000);
  const connected = rssMb(a.pid);
  const streams = await liveStreams(a);
  abort.abort();
  await sleep(5_000);
  return {
    clients: crowd.length,
    connectMs,
    beforeMb: before,
    connectedMb: connected,
    perConnectionKb: ((connected - before) * 1024) / crowd.length,
    streamsWhileConnected: streams,
    streamsAfter: await liveStreams(a),
    afterMb: rssMb(a.pid),
  };
}

async function main() {
  const db = await scratchDatabase("carebridge_delivery");
  databaseUrl = db.url;
  const secret = crypto.randomBytes(33).toString("base64");
  const servers: AppServer[] = [];
  try {
    const { pairs, crowd } = await makePeople(db.url, secret);
    const env = { CAREBRIDGE_METRICS: "1" };
    const a = await startApp({ databaseUrl: db.url, secret, env });
    const b = await startApp({ databaseUrl: db.url, secret, env });
    servers.push(a, b);
    // Warm both up (first requests load routes, fill pools and caches), then measure.
    await run("push", a, b, pairs, 5);
    console.log(
      `Delivery: ${RATE} messages/s for ${SECONDS} s from ${PAIRS} patients on A (${a.origin}) to ${PAIRS} doctors on B (${b.origin}).`,
    );

    const push = await run("push", a, b, pairs);
    const polling = await run("polling", a, b, pairs);
    const fmt = (x: number) => x.toFixed(1);
    console.log(
      "\n" +
        table(
          [
            "mode",
            "sent",
            "received",
            "lost",
            "duplicated",
            "send errors",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "POST p50 ms",
            "POST p99 ms",
          ],
          [push, polling].map((r) => [
            r.mode,
            String(r.sent),
            String(r.received),
            String(r.lost),
            String(r.duplicated),
            String(r.sendErrors),
            fmt(r.p50),
            fmt(r.p95),
            fmt(r.p99),
            fmt(r.sendP50),
            fmt(r.sendP99),
          ]),
        ),
    );
    console.log(
      "\n" +
        table(
          [
            "mode",
            "server",
            "RSS before MB",
            "connected MB",
            "after clients left MB",
            "growth MB",
            "live streams after",
          ],
          [push, polling].flatMap((r) =>
            r.memory.map((m) => [
              r.mode,
              m.server,
              fmt(m.beforeMb),
              fmt(m.connectedMb),
              fmt(m.afterMb),
              fmt(m.afterMb - m.beforeMb),
              String(m.streamsAfter),
            ]),
          ),
        ),
    );
    const many = await crowdMemory(a, crowd);
    console.log(
      `\n${many.clients} streams on one instance: connected in ${(many.connectMs / 1000).toFixed(1)} s, RSS ${fmt(many.beforeMb)} → ${fmt(many.connectedMb)} MB ` +
        `(${many.perConnectionKb.toFixed(0)} kB per connection), ${many.streamsWhileConnected} live streams; after they left: ${many.streamsAfter} streams, ${fmt(many.afterMb)} MB.`,
    );
    const ok =
      push.p95 < 150 &&
      push.p99 < 300 &&
      push.lost === 0 &&
      push.duplicated === 0 &&
      push.memory.every((m) => m.afterMb - m.beforeMb < 50 && m.streamsAfter === 0);
    console.log(
      `\nTarget (push p95 < 150 ms, p99 < 300 ms, nothing lost or duplicated, < 50 MB growth, no stream left): ${ok ? "met" : "NOT met"}.`,
    );
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
