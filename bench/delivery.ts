/**
 * `npm run bench:delivery [-- --quick]`: how fast a message reaches the other member through the
 * live stream, what a send costs PostgreSQL, and what 1 000 streams cost an instance.
 *
 * Two production instances share one PostgreSQL; 100 patients on instance A send 50 messages per
 * second in all into their rooms, whose doctors listen on instance B (200 clients). Three runs:
 * - browser: every client does what the app's client does with the thread open (components/
 *   live-updates.tsx, components/chat/*): the sender sends with the server action, merges the
 *   answer and marks its thread read; on a message event each side fetches the messages after the
 *   unbroken run it holds (again while the answer says there is more), and the receiver then marks
 *   read with the action; the badge takes the total from the event, a read event needs no request
 *   (the conversation list and recent messages are not on the thread page, so nothing refetches them);
 * - bare: the API POST, and the doctor only fetches after the last sequence held on each event;
 * - polling: push off, the doctors poll every 10 s (the product's fallback), each on its own phase
 *   from the start (the worst case is one interval).
 * Every attempted send counts; a run with any failed request, lost or duplicated message fails.
 * Then: statements to PostgreSQL per send (counted in A's driver, CAREBRIDGE_COUNT_QUERIES), and
 * 1 000 streams on A while messages arrive for them at 50 msg/s: peak RSS sampled every 100 ms,
 * and the growth left after the clients leave and a forced garbage collection.
 * Each figure comes with the machine's idle share during its run. Exits 1 when a goal is missed.
 */
import "../scripts/load-env";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import { openPostgres } from "@/db/client";
import { REFETCH } from "@/lib/client/query-keys";
import { actionId, callAction } from "./actions";
import { freePort } from "./free-port";
import { machineLoad, machineSnapshot, type MachineLoad } from "./machine";
import { openEventStream, rssMb, scratchDatabase, sessionCookies, startApp, type AppServer } from "./server";
import { percentile, table } from "./stats";

const QUICK = process.argv.includes("--quick");
const SECONDS = Number(process.env.BENCH_DELIVERY_SECONDS ?? (QUICK ? 10 : 60));
const RATE = Number(process.env.BENCH_DELIVERY_RATE ?? 50);
const PAIRS = 100;
const MANY = Number(process.env.BENCH_DELIVERY_MANY ?? 1000);
const MEMORY_SECONDS = Number(process.env.BENCH_DELIVERY_MEMORY_SECONDS ?? (QUICK ? 10 : 30));
const ROUND_TRIP_SENDS = 100;
/** BENCH_DELIVERY_ONLY: some of delivery,trips,memory. */
const ONLY = new Set((process.env.BENCH_DELIVERY_ONLY ?? "delivery,trips,memory").split(","));

const GOALS = { p95: 100, p99: 200, roundTrips: 4, peakMb: 300 };

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

const idOf = (s: string) => {
  const md5 = crypto.createHash("md5").update(s).digest("hex");
  const h = `${md5.slice(0, 12)}4${md5.slice(13, 16)}8${md5.slice(17)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** 100 pairs (patient i, doctor i, room i) and MANY more patients, each in a room with one of the doctors. */
async function makePeople(url: string, secret: string): Promise<{ pairs: Pair[]; crowd: Pair[] }> {
  const handle = openPostgres(url, { max: 2 });
  try {
    await handle.migrate();
    const sql = handle.sql!;
    const all = PAIRS + MANY;
    // Ids derived from numbers, shaped as version-4 UUIDs (the app's validation wants real ones).
    await sql.unsafe(`
      create or replace function pg_temp.bench_id(key text) returns uuid language sql immutable
        as $$ select overlay(overlay(md5(key) placing '4' from 13) placing '8' from 17)::uuid $$;
      insert into users (id, name, email, password_hash, role)
        select pg_temp.bench_id('p' || i), 'Bench Patient ' || i, 'bench-p' || i || '@example.test', 'x', 'patient' from generate_series(1, ${all}) i;
      insert into users (id, name, email, password_hash, role)
        select pg_temp.bench_id('d' || i), 'Bench Doctor ' || i, 'bench-d' || i || '@example.test', 'x', 'doctor' from generate_series(1, ${PAIRS}) i;
      insert into doctor_profiles (user_id, specialty) select pg_temp.bench_id('d' || i), 'General Practice' from generate_series(1, ${PAIRS}) i;
      insert into appointments (id, patient_id, doctor_id, starts_at, reason, status)
        select pg_temp.bench_id('a' || i), pg_temp.bench_id('p' || i), pg_temp.bench_id('d' || ((i - 1) % ${PAIRS} + 1)),
               date_trunc('hour', now()) + interval '1 day' + ((i - 1) / ${PAIRS}) * interval '1 hour', 'Benchmark', 'accepted'
          from generate_series(1, ${all}) i;
      insert into chat_rooms (id, appointment_id) select pg_temp.bench_id('r' || i), pg_temp.bench_id('a' || i) from generate_series(1, ${all}) i;
      insert into room_members (room_id, user_id)
        select pg_temp.bench_id('r' || i), pg_temp.bench_id('p' || i) from generate_series(1, ${all}) i
        union all select pg_temp.bench_id('r' || i), pg_temp.bench_id('d' || ((i - 1) % ${PAIRS} + 1)) from generate_series(1, ${all}) i;
    `);
    const people = [
      ...Array.from({ length: all }, (_, i) => ({ id: idOf(`p${i + 1}`), role: "patient" as const })),
      ...Array.from({ length: PAIRS }, (_, i) => ({ id: idOf(`d${i + 1}`), role: "doctor" as const })),
    ];
    const cookies = await sessionCookies(secret, url, people);
    const persons: Person[] = people.map((p, i) => ({ ...p, cookie: cookies[i]! }));
    const doctor = (i: number) => persons[all + ((i - 1) % PAIRS)]!;
    const pairOf = (i: number): Pair => ({ roomId: idOf(`r${i}`), patient: persons[i - 1]!, doctor: doctor(i) });
    return {
      pairs: Array.from({ length: PAIRS }, (_, i) => pairOf(i + 1)),
      crowd: Array.from({ length: MANY }, (_, i) => pairOf(PAIRS + i + 1)),
    };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------- clients

type Mode = "browser" | "bare" | "polling";
type StreamEvent = { type: string; roomId?: string; seq?: number; from?: string };

/**
 * Opens the user's event stream (everything but "ready" to `onEvent`); resolves once subscribed.
 * A connection the server closed as it was reused (keep-alive's race) is opened again, as
 * EventSource would.
 */
async function openStream(origin: string, cookie: string, onEvent: (event: StreamEvent) => void, signal: AbortSignal) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openEventStream(origin, cookie, (event) => event.type !== "ready" && onEvent(event), signal);
    } catch (error) {
      if (attempt >= 3 || signal.aborted) throw error;
    }
  }
}

/** Calls start(n) for n = 0 … total - 1, the n-th at n / RATE seconds from now (so a run of
 * S seconds attempts exactly S × RATE sends, the first at once). */
async function paced(total: number, start: (n: number) => void) {
  const started = performance.now();
  for (let n = 0; n < total;) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE) + 1);
    for (; n < due; n++) start(n);
    if (n < total) await sleep(5);
  }
}

interface Tally {
  /** Every attempted send of the run, by clientId. */
  sentAt: Map<string, number>;
  /** clientId → the sequence number it was received under (a second one is a duplicate). */
  receivedSeq: Map<string, number>;
  latencies: number[];
  duplicates: number;
  sendErrors: number;
  /** Failed requests other than sends (thread fetches, marks). */
  otherErrors: number;
  sendMs: number[];
  requests: number;
  firstError?: string;
}

const newTally = (): Tally => ({
  sentAt: new Map(),
  receivedSeq: new Map(),
  latencies: [],
  duplicates: 0,
  sendErrors: 0,
  otherErrors: 0,
  sendMs: [],
  requests: 0,
});

/** An error with its cause (fetch's "fetch failed" says why only there). */
const describe = (error: unknown): string =>
  error instanceof Error && error.cause ? `${String(error)} (${String(error.cause)})` : String(error);

function noteError(tally: Tally, kind: "send" | "other", what: string) {
  if (kind === "send") tally.sendErrors++;
  else tally.otherErrors++;
  tally.firstError ??= what;
}

let sendActionId = "";

/**
 * One client's open thread: the messages held (the unbroken run from the start sequence), the
 * fetch after it on demand and, in a browser, the mark of what became readable.
 */
function threadClient(origin: string, person: Person, roomId: string, tally: Tally, startSeq: number, mode: Mode) {
  let held = startSeq;
  const pending = new Map<number, string>();
  let lastMarked = startSeq;
  let bareRunning = false;
  let bareAgain = false;
  let sendsUnderWay = 0;
  const waiting: (() => void)[] = [];

  const take = (messages: { seq: number; clientId: string }[], now: number) => {
    for (const m of messages) {
      if (m.seq <= held) continue;
      pending.set(m.seq, m.clientId);
    }
    while (pending.has(held + 1)) {
      const clientId = pending.get(++held)!;
      pending.delete(held);
      const sent = tally.sentAt.get(clientId);
      if (sent === undefined || person.role !== "doctor") continue;
      const before = tally.receivedSeq.get(clientId);
      if (before !== undefined) {
        if (before !== held) tally.duplicates++;
        continue;
      }
      tally.receivedSeq.set(clientId, held);
      tally.latencies.push(now - sent);
    }
  };

  const fetchAfter = async (): Promise<void> => {
    // As the thread's query function: after the unbroken run held, again while there is more.
    for (let round = 0; round < 20; round++) {
      tally.requests++;
      let answer: { messages: { seq: number; clientId: string }[]; hasMore: boolean };
      try {
        const response = await fetch(`${origin}/api/rooms/${roomId}/messages?after=${held}`, {
          headers: { cookie: person.cookie },
        });
        if (!response.ok) throw new Error(`thread fetch answered ${response.status}`);
        answer = (await response.json()) as typeof answer;
      } catch (error) {
        noteError(tally, "other", describe(error));
        return;
      }
      take(answer.messages, performance.now());
      if (!answer.hasMore) break;
    }
  };

  /** useReadCursor: once what is readable moved past the last mark, mark it (visible tab). */
  const markIfMoved = async (): Promise<void> => {
    if (held <= lastMarked) return;
    const seq = held;
    lastMarked = seq;
    tally.requests++;
    try {
      const response = await fetch(`${origin}/api/rooms/${roomId}/read`, {
        method: "POST",
        headers: { cookie: person.cookie, origin, "content-type": "application/json" },
        body: JSON.stringify({ seq }),
      });
      if (!response.ok) throw new Error(`mark read answered ${response.status}: ${await response.text()}`);
      await response.json();
    } catch (error) {
      lastMarked = Math.min(lastMarked, seq - 1);
      noteError(tally, "other", describe(error));
    }
  };

  return {
    /** A "message" event for this room. */
    async onMessage(seq?: number, from?: string): Promise<void> {
      if (mode === "browser") {
        // lib/client/own-sends.ts: the event of one's own message waits for the tab's sends into
        // the room to answer (the answer brings it).
        if (from === person.id && sendsUnderWay > 0) await new Promise<void>((settled) => waiting.push(settled));
        // components/live-updates.tsx: a thread that already holds the message fetches nothing.
        if (seq !== undefined && held >= seq) return;
        // React Query's invalidate starts a fetch at once (cancelling one under way); the read
        // cursor's effect follows the render that shows what came.
        await fetchAfter();
        await markIfMoved();
        return;
      }
      // The bare receiver: one fetch at a time, one more if events came meanwhile.
      if (bareRunning) {
        bareAgain = true;
        return;
      }
      bareRunning = true;
      try {
        do {
          bareAgain = false;
          await fetchAfter();
        } while (bareAgain);
      } finally {
        bareRunning = false;
      }
    },
    poll: fetchAfter,
    /** A send of this client's is under way until `settled` (answered or failed). */
    sending(): { settled: () => void } {
      sendsUnderWay++;
      return {
        settled: () => {
          if (--sendsUnderWay === 0) for (const run of waiting.splice(0)) run();
        },
      };
    },
    /** The sender merges its own message from the send's answer, then marks it read (browser). */
    async sent(message: { seq: number; clientId: string }, seenSeq: number): Promise<void> {
      take([message], performance.now());
      if (mode !== "browser") return;
      // components/chat/thread.tsx: sent right after all it had seen, the send moved the cursor.
      if (message.seq === seenSeq + 1) lastMarked = Math.max(lastMarked, message.seq);
      await markIfMoved();
    },
    /** The end of the unbroken run held: what the thread tells a send it has seen. */
    heldSeq: () => held,
  };
}

async function send(
  origin: string,
  pair: Pair,
  tally: Tally,
  n: number,
  mode: Mode,
  sender: ReturnType<typeof threadClient> | undefined,
): Promise<void> {
  const clientId = crypto.randomUUID();
  const started = performance.now();
  tally.sentAt.set(clientId, started);
  tally.requests++;
  const body = `Benchmark message ${n}`;
  const seenSeq = sender?.heldSeq() ?? 0;
  const underWay = sender?.sending();
  try {
    let message: { seq: number; clientId: string };
    if (mode === "browser") {
      const result = await callAction<{ seq: number; clientId: string }>(
        origin,
        `/chat/${pair.roomId}`,
        sendActionId,
        pair.patient.cookie,
        { roomId: pair.roomId, clientId, body, seenSeq },
      );
      if (!result.ok) throw new Error(`send refused: ${result.message}`);
      message = result.data;
    } else {
      const response = await fetch(`${origin}/api/rooms/${pair.roomId}/messages`, {
        method: "POST",
        headers: { cookie: pair.patient.cookie, origin, "content-type": "application/json" },
        body: JSON.stringify({ clientId, body }),
      });
      if (response.status !== 201) throw new Error(`send answered ${response.status}: ${await response.text()}`);
      message = ((await response.json()) as { message: { seq: number; clientId: string } }).message;
    }
    tally.sendMs.push(performance.now() - started);
    await sender?.sent(message, seenSeq);
  } catch (error) {
    noteError(tally, "send", describe(error));
  } finally {
    underWay?.settled();
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

async function health(server: AppServer): Promise<{ liveStreams: number; queries: number }> {
  const h = (await (await fetch(`${server.origin}/api/health`)).json()) as { liveStreams?: number; queries?: number };
  return { liveStreams: h.liveStreams ?? -1, queries: h.queries ?? -1 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunFigures {
  mode: Mode;
  attempted: number;
  delivered: number;
  lost: number;
  duplicated: number;
  errors: number;
  sendErrors: number;
  firstError?: string;
  requestsPerMessage: number;
  p50: number;
  p95: number;
  p99: number;
  sendP50: number;
  sendP99: number;
  streamsAfter: number[];
  load: MachineLoad;
}

async function run(mode: Mode, a: AppServer, b: AppServer, pairs: Pair[], seconds = SECONDS): Promise<RunFigures> {
  const tally = newTally();
  const abort = new AbortController();
  const startSeqs = await roomSeqs(pairs);
  const clients = pairs.map((pair) => {
    const start = startSeqs.get(pair.roomId) ?? 0;
    return {
      pair,
      receiver: threadClient(b.origin, pair.doctor, pair.roomId, tally, start, mode),
      sender: mode === "browser" ? threadClient(a.origin, pair.patient, pair.roomId, tally, start, mode) : undefined,
    };
  });
  const timers: NodeJS.Timeout[] = [];
  const machineBefore = machineSnapshot();
  if (mode !== "polling") {
    // 200 clients: the doctors listen on B, the patients keep their own streams open on A.
    await Promise.all([
      ...clients.map(({ pair, receiver }) =>
        openStream(
          b.origin,
          pair.doctor.cookie,
          (e) => e.type === "message" && e.roomId === pair.roomId && void receiver.onMessage(e.seq, e.from),
          abort.signal,
        ),
      ),
      ...clients.map(({ pair, sender }) =>
        openStream(
          a.origin,
          pair.patient.cookie,
          (e) => sender && e.type === "message" && e.roomId === pair.roomId && void sender.onMessage(e.seq, e.from),
          abort.signal,
        ),
      ),
    ]);
  } else {
    for (const { receiver } of clients) {
      // Each browser polls on its own phase, from the start: a message waits at most one interval.
      const first = setTimeout(() => {
        void receiver.poll();
        timers.push(setInterval(() => void receiver.poll(), REFETCH.thread));
      }, Math.random() * REFETCH.thread);
      timers.push(first);
    }
  }

  const sends: Promise<void>[] = [];
  await paced(seconds * RATE, (n) => {
    const c = clients[n % clients.length]!;
    sends.push(send(a.origin, c.pair, tally, n, mode, c.sender));
  });
  await Promise.all(sends);
  // Let the last ones arrive: a moment for push, one poll interval and a bit for polling.
  const deadline = performance.now() + (mode === "polling" ? REFETCH.thread + 2_000 : 5_000);
  const expected = tally.sentAt.size - tally.sendErrors;
  while (tally.receivedSeq.size < expected && performance.now() < deadline) await sleep(100);
  const load = machineLoad(machineBefore);
  abort.abort();
  for (const t of timers) clearTimeout(t);
  await sleep(2_000);
  const streamsAfter = [(await health(a)).liveStreams, (await health(b)).liveStreams];

  const sorted = [...tally.latencies].sort((x, y) => x - y);
  const sendSorted = [...tally.sendMs].sort((x, y) => x - y);
  const attempted = tally.sentAt.size;
  const delivered = tally.receivedSeq.size;
  return {
    mode,
    attempted,
    delivered,
    // A send that failed and was not stored is an error; one that succeeded and never arrived is lost.
    lost: Math.max(0, attempted - tally.sendErrors - delivered),
    duplicated: tally.duplicates,
    errors: tally.sendErrors + tally.otherErrors,
    sendErrors: tally.sendErrors,
    firstError: tally.firstError,
    requestsPerMessage: attempted ? tally.requests / attempted : 0,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    sendP50: percentile(sendSorted, 50),
    sendP99: percentile(sendSorted, 99),
    streamsAfter,
    load,
  };
}

/** Statements A sends to PostgreSQL per message, one send at a time with no stream open. */
async function roundTrips(a: AppServer, pairs: Pair[], mode: "browser" | "bare") {
  const tally = newTally();
  const machineBefore = machineSnapshot();
  const before = (await health(a)).queries;
  for (let i = 0; i < ROUND_TRIP_SENDS; i++) await send(a.origin, pairs[i % pairs.length]!, tally, i, mode, undefined);
  const after = (await health(a)).queries;
  // The health request itself asks the database once (databaseReachable).
  const statements = after - before - 1;
  return {
    via: mode === "browser" ? "server action (browser)" : "API POST",
    perSend: statements / ROUND_TRIP_SENDS,
    errors: tally.sendErrors,
    load: machineLoad(machineBefore),
  };
}

/**
 * Forces a full garbage collection in the server through its inspector (A runs with --inspect on
 * a port of its own): HeapProfiler.collectGarbage, sent by a child Node with a WebSocket client.
 */
async function forceGc(inspectPort: number, snapshotFile?: string): Promise<void> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  if (!target) throw new Error("the server's inspector lists no target");
  const script = `
    const ws = new WebSocket(${JSON.stringify(target.webSocketDebuggerUrl)});
    const file = ${JSON.stringify(snapshotFile ?? "")};
    const chunks = [];
    ws.onopen = () => ws.send(JSON.stringify(file
      ? { id: 1, method: "HeapProfiler.takeHeapSnapshot", params: { reportProgress: false } }
      : { id: 1, method: "HeapProfiler.collectGarbage" }));
    ws.onmessage = (m) => {
      const message = JSON.parse(m.data);
      if (message.method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(message.params.chunk);
      if (message.id === 1) {
        if (file) require("node:fs").writeFileSync(file, chunks.join(""));
        ws.close();
        process.exit(0);
      }
    };
    ws.onerror = () => process.exit(1);
    setTimeout(() => process.exit(2), 60000);`;
  const done = spawnSync(process.execPath, ["--experimental-websocket", "--no-warnings", "-e", script], {
    maxBuffer: 1 << 20,
  });
  if (done.status !== 0) throw new Error(`forcing a collection failed (${done.status}): ${done.stderr}`);
}

/** MANY streams on A while their rooms receive RATE messages per second (sent through B). */
async function crowdMemory(a: AppServer, b: AppServer, crowd: Pair[], inspectPort: number) {
  await forceGc(inspectPort);
  await sleep(1_000);
  const before = rssMb(a.pid);
  const heapFile = process.env.BENCH_DELIVERY_HEAP_SNAPSHOT;
  if (heapFile) await forceGc(inspectPort, heapFile.replace(/(\.heapsnapshot)?$/, "-before.heapsnapshot"));
  const machineBefore = machineSnapshot();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(a.pid))), 100);
  const abort = new AbortController();
  let events = 0;
  const started = performance.now();
  for (let i = 0; i < crowd.length; i += 100) {
    await Promise.all(
      crowd
        .slice(i, i + 100)
        .map((p) => openStream(a.origin, p.patient.cookie, (e) => e.type === "message" && events++, abort.signal)),
    );
  }
  const connectMs = performance.now() - started;
  const streams = (await health(a)).liveStreams;
  const connected = rssMb(a.pid);
  // The reading just taken counts toward the peak too, whatever the sampler saw.
  peak = Math.max(peak, connected);
  // What the streams hold alive, apart from the garbage connecting them left behind.
  await forceGc(inspectPort);
  await sleep(500);
  const connectedLive = rssMb(a.pid);
  // BENCH_DELIVERY_HEAP_SNAPSHOT=file: a heap snapshot of A with the streams connected (its
  // settled state before them is the same file with "-before" added), to see what a stream holds.
  if (process.env.BENCH_DELIVERY_HEAP_SNAPSHOT) await forceGc(inspectPort, process.env.BENCH_DELIVERY_HEAP_SNAPSHOT);
  // The doctors send into the crowd's rooms from B, so A does only what a stream holder does.
  const tally = newTally();
  const sends: Promise<void>[] = [];
  const n = MEMORY_SECONDS * RATE;
  await paced(n, (i) => {
    const pair = crowd[i % crowd.length]!;
    sends.push(send(b.origin, { ...pair, patient: pair.doctor }, tally, i, "bare", undefined));
  });
  await Promise.all(sends);
  // Each message has one stream on A to reach; a moment for the last ones, then any missing is lost.
  const deadline = performance.now() + 5_000;
  while (events < n - tally.sendErrors && performance.now() < deadline) await sleep(100);
  await sleep(1_000);
  clearInterval(sampler);
  const load = machineLoad(machineBefore);
  abort.abort();
  await sleep(3_000);
  await forceGc(inspectPort);
  await sleep(1_000);
  return {
    clients: crowd.length,
    connectMs,
    beforeMb: before,
    connectedMb: connected,
    connectedLiveMb: connectedLive,
    liveKbPerStream: ((connectedLive - before) * 1024) / crowd.length,
    peakMb: peak,
    perConnectionKb: ((connected - before) * 1024) / crowd.length,
    streamsWhileConnected: streams,
    messages: n,
    sendErrors: tally.sendErrors,
    events,
    streamsAfter: (await health(a)).liveStreams,
    settledMb: rssMb(a.pid),
    load,
  };
}

async function main() {
  const db = await scratchDatabase("carebridge_delivery");
  databaseUrl = db.url;
  const secret = crypto.randomBytes(33).toString("base64");
  const servers: AppServer[] = [];
  const inspectPort = await freePort();
  const failures: string[] = [];
  try {
    const { pairs, crowd } = await makePeople(db.url, secret);
    const env = { CAREBRIDGE_METRICS: "1", CAREBRIDGE_COUNT_QUERIES: "1" };
    const a = await startApp({
      databaseUrl: db.url,
      secret,
      env,
      nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`],
    });
    const b = await startApp({ databaseUrl: db.url, secret, env });
    servers.push(a, b);
    sendActionId = actionId("sendMessageAction");
    // Warm both up (first requests load routes, fill pools and caches), then measure.
    await run("browser", a, b, pairs, QUICK ? 3 : 5);
    await run("bare", a, b, pairs, QUICK ? 2 : 5);
    if (ONLY.has("delivery")) await deliveryRuns(a, b, pairs, failures);
    if (ONLY.has("trips")) await roundTripFigures(a, pairs, failures);
    if (ONLY.has("memory")) await memoryFigures(a, b, crowd, inspectPort, failures);
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
  console.log(failures.length ? `\nFAIL: ${failures.join("; ")}` : "\nPASS: every goal met");
  process.exit(failures.length ? 1 : 0);
}

const fmt = (x: number) => x.toFixed(1);

async function deliveryRuns(a: AppServer, b: AppServer, pairs: Pair[], failures: string[]) {
  {
    console.log(
      `Delivery: ${RATE} messages/s for ${SECONDS} s from ${PAIRS} patients on A (${a.origin}) to ${PAIRS} doctors on B (${b.origin}), 200 clients.`,
    );

    const runs: RunFigures[] = [];
    for (const mode of ["browser", "bare", "polling"] as const) runs.push(await run(mode, a, b, pairs));
    console.log(
      "\n" +
        table(
          [
            "receiver",
            "attempted",
            "delivered",
            "lost",
            "duplicated",
            "errors",
            "requests/msg",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "send p50 ms",
            "send p99 ms",
            "streams left A/B",
          ],
          runs.map((r) => [
            r.mode,
            String(r.attempted),
            String(r.delivered),
            String(r.lost),
            String(r.duplicated),
            String(r.errors),
            r.requestsPerMessage.toFixed(1),
            fmt(r.p50),
            fmt(r.p95),
            fmt(r.p99),
            fmt(r.sendP50),
            fmt(r.sendP99),
            r.streamsAfter.join("/"),
          ]),
        ),
    );
    for (const r of runs) {
      console.log(`${r.mode}: ${r.load.line}`);
      if (r.firstError) console.log(`${r.mode}: first error: ${r.firstError}`);
      if (r.lost || r.duplicated || r.errors)
        failures.push(`${r.mode}: ${r.lost} lost, ${r.duplicated} duplicated, ${r.errors} errors`);
      if (r.streamsAfter.some((s) => s !== 0)) failures.push(`${r.mode}: streams left open (${r.streamsAfter})`);
    }
    const browser = runs[0]!;
    const ok = browser.p95 < GOALS.p95 && browser.p99 < GOALS.p99;
    console.log(
      `Goal (browser-like receivers: p95 < ${GOALS.p95} ms, p99 < ${GOALS.p99} ms, 0 lost, 0 duplicated, 0 errors): ${ok && !failures.length ? "met" : "NOT met"}.`,
    );
    if (!ok) failures.push(`browser p95 ${fmt(browser.p95)} / p99 ${fmt(browser.p99)} ms`);
  }
}

async function roundTripFigures(a: AppServer, pairs: Pair[], failures: string[]) {
  {
    const trips = [await roundTrips(a, pairs, "browser"), await roundTrips(a, pairs, "bare")];
    console.log(
      `\nRound trips per send (statements A sent to PostgreSQL, counted in its driver; ${ROUND_TRIP_SENDS} sends one at a time, session read included):`,
    );
    for (const t of trips) {
      console.log(
        `  ${t.via}: ${t.perSend.toFixed(2)} per send (goal ≤ ${GOALS.roundTrips})${t.errors ? `, ${t.errors} errors` : ""}`,
      );
      console.log(`  ${t.load.line}`);
      if (!(t.perSend <= GOALS.roundTrips) || t.errors)
        failures.push(`${t.via}: ${t.perSend.toFixed(2)} statements per send, ${t.errors} errors`);
    }
  }
}

async function memoryFigures(a: AppServer, b: AppServer, crowd: Pair[], inspectPort: number, failures: string[]) {
  {
    const many = await crowdMemory(a, b, crowd, inspectPort);
    console.log(
      `\n${many.clients} streams on A receiving ${RATE} msg/s for ${MEMORY_SECONDS} s (${many.messages} messages sent through B, ${many.events} events received, ${many.sendErrors} send errors):`,
    );
    console.log(
      `  RSS settled ${fmt(many.beforeMb)} MB → connected ${fmt(many.connectedMb)} MB (${many.perConnectionKb.toFixed(0)} kB per stream, connected in ${(many.connectMs / 1000).toFixed(1)} s, ${many.streamsWhileConnected} live streams)`,
    );
    console.log(
      `  after a forced collection, still connected: ${fmt(many.connectedLiveMb)} MB (${many.liveKbPerStream.toFixed(0)} kB held per stream)`,
    );
    console.log(`  peak RSS under load (sampled every 100 ms): ${fmt(many.peakMb)} MB (goal < ${GOALS.peakMb} MB)`);
    console.log(
      `  after the clients left and a forced collection: ${fmt(many.settledMb)} MB, growth ${fmt(many.settledMb - many.beforeMb)} MB, ${many.streamsAfter} streams left`,
    );
    console.log(`  ${many.load.line}`);
    if (!(many.peakMb < GOALS.peakMb)) failures.push(`peak RSS ${fmt(many.peakMb)} MB with ${many.clients} streams`);
    const delivered = many.messages - many.sendErrors;
    if (many.streamsAfter !== 0 || many.sendErrors || many.events !== delivered)
      failures.push(
        `memory run: ${many.streamsAfter} streams left, ${many.sendErrors} send errors, ${many.events} message events for ${delivered} messages sent`,
      );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
