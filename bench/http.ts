/**
 * The HTTP endpoints under load: a production server of this app (its server process, scripts/next-server.mjs) on the bench
 * database, 50 connections each signed in as a different user (session cookies minted with the
 * server's secret), 20 s per endpoint, the constant route first as the framework's ceiling.
 */
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import autocannon from "autocannon";
import { openLoop } from "./open-loop";
import { openPostgres } from "@/db/client";
import type { benchPeople, DatasetSize } from "./dataset";
import { cpuPerRequest, cpuSnapshot, type CpuSnapshot } from "./cpu";
import { machineLoad, machineSnapshot } from "./machine";
import { sessionCookies, startApp } from "./server";

export interface LoadResult {
  name: string;
  path: string;
  constant: boolean;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Server processes answering (npm start's WEB_CONCURRENCY). */
  processes: number;
  /** CPU ms per request spent by the server, PostgreSQL and the load generator. */
  cpuMsPerRequest: CpuSnapshot;
  /** Open loop: the requests per second offered (70 % of the constant route's saturation rate). */
  offeredRate?: number;
  /** Open loop: how late the generator started requests, p99 (its own share of the latency). */
  generatorLagP99Ms?: number;
  /** Open loop: the p99 of its warm-up, which p50/p99 leave out (OPEN_LOOP_WARMUP_SECONDS). */
  warmupP99Ms?: number | null;
  /** The machine's idle share during the run, and the warning when others used > 15 % of it. */
  machine: string;
  othersShare: number;
  /** Share of the run's time in which some runnable task waited for a core (null without PSI). */
  waitingShare: number | null;
}

/** The open-loop run offers this share of the constant route's saturated rate. */
export const OPEN_LOOP_SHARE = 0.7;
/** Seconds an open-loop run offers its rate before it measures, as the saturated runs warm up. */
const OPEN_LOOP_WARMUP_SECONDS = 3;
const CONNECTIONS = 50;

const ENDPOINTS: { key: string; name: string; path: (s: Session) => string; constant?: boolean }[] = [
  { key: "constant", name: "constant JSON (ceiling)", path: () => "/api/bench/constant", constant: true },
  { key: "poll", name: "thread poll ?after=N", path: (s) => `/api/rooms/${s.roomId}/messages?after=${s.lastSeq}` },
  { key: "unread", name: "unread total", path: () => "/api/unread" },
  { key: "conversations", name: "conversation list", path: () => "/api/conversations" },
];
/** BENCH_HTTP_ENDPOINTS: some of the keys above (comma-separated), to load only those. */
const ONLY_ENDPOINTS = process.env.BENCH_HTTP_ENDPOINTS ? new Set(process.env.BENCH_HTTP_ENDPOINTS.split(",")) : null;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 20);

/** The app folder whose build is served: BENCH_APP_DIR, or this repository. */
export const appDir = () => path.resolve(process.env.BENCH_APP_DIR ?? process.cwd());
export const nextBin = (dir: string) => createRequire(path.join(dir, "package.json")).resolve("next/dist/bin/next");

export async function waitForOk(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`the server exited (${child.exitCode}) before answering ${url}`);
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once("exit", () => resolve());
    // The whole group: npm start runs the server process as a child of its own.
    process.kill(-child.pid, "SIGTERM");
    setTimeout(() => child.exitCode === null && child.pid && process.kill(-child.pid, "SIGKILL"), 10_000).unref();
  });
}

interface Session {
  cookie: string;
  roomId: string;
  lastSeq: number;
}

/** 50 people: patients 1001… (three rooms each) and a few ordinary doctors (about 240 rooms each). */
async function sessions(
  databaseUrl: string,
  secret: string,
  people: ReturnType<typeof benchPeople>,
  size: DatasetSize,
): Promise<Session[]> {
  const chosen: { id: string; role: "patient" | "doctor" }[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    chosen.push(
      i % 10 === 9
        ? { id: people.doctor(2 + Math.floor(i / 10)), role: "doctor" }
        : { id: people.patient(1001 + i), role: "patient" },
    );
  }
  const db = openPostgres(databaseUrl, { max: 1 });
  try {
    const rooms = await db.sql!.unsafe<{ user_id: string; room_id: string; last_seq: number }[]>(
      `select distinct on (m.user_id) m.user_id, m.room_id, c.last_seq
         from room_members m join chat_rooms c on c.id = m.room_id
        where m.user_id = any($1::uuid[]) order by m.user_id, c.last_activity_at desc`,
      [chosen.map((c) => c.id)],
    );
    const cookies = await sessionCookies(secret, databaseUrl, chosen);
    return chosen.map((person, i) => {
      const room = rooms.find((r) => r.user_id === person.id);
      if (!room) throw new Error(`no room for bench user ${person.id} (data set of ${size.rooms} rooms)`);
      return { cookie: cookies[i]!, roomId: room.room_id, lastSeq: room.last_seq };
    });
  } finally {
    await db.close();
  }
}

async function load(
  server: { origin: string; pid: number; processes: number },
  name: string,
  pathFor: (s: Session) => string,
  all: Session[],
  seconds: number,
  constant = false,
  /** Open loop at this many requests per second (bench/open-loop.ts). */
  rate?: number,
): Promise<LoadResult> {
  const before = cpuSnapshot(server.pid);
  const machineBefore = machineSnapshot();
  const measured = rate
    ? await openLoopRun(server.origin, pathFor, all, seconds, rate)
    : await closedLoopRun(server.origin, pathFor, all, seconds);
  const after = cpuSnapshot(server.pid);
  const machine = machineLoad(machineBefore);
  return {
    offeredRate: rate,
    machine: machine.line,
    othersShare: machine.othersShare,
    waitingShare: machine.waitingShare,
    name,
    path: pathFor(all[0]!),
    constant,
    processes: server.processes,
    ...measured,
    cpuMsPerRequest: cpuPerRequest(before, after, measured.total),
  };
}

type Measured = Pick<
  LoadResult,
  "requestsPerSecond" | "p50Ms" | "p99Ms" | "non2xx" | "errors" | "statusCodes" | "generatorLagP99Ms" | "warmupP99Ms"
> & {
  total: number;
};

/** Saturation: every connection sends its next request as soon as the last one answered. */
async function closedLoopRun(
  origin: string,
  pathFor: (s: Session) => string,
  all: Session[],
  seconds: number,
): Promise<Measured> {
  let next = 0;
  const result = await autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration: seconds,
    // Each connection keeps one person (its context lives as long as the connection). Not
    // `setupClient` + `client.setRequest`: requests built that way cost the server ten times as much
    // (measured: 110 against 1 100 req/s on the constant route), which hid the app's own figures.
    requests: [
      {
        setupRequest(request, context: { session?: Session }) {
          const session = (context.session ??= all[next++ % all.length]!);
          return {
            ...request,
            method: "GET",
            path: pathFor(session),
            headers: { ...request.headers, cookie: session.cookie },
          };
        },
      },
    ],
  });
  return {
    total: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
    ),
  };
}

/** A constant offered rate (bench/open-loop.ts), each request as a person of the set in turn. */
async function openLoopRun(
  origin: string,
  pathFor: (s: Session) => string,
  all: Session[],
  seconds: number,
  rate: number,
): Promise<Measured> {
  const r = await openLoop({
    origin,
    rate,
    seconds,
    warmupSeconds: OPEN_LOOP_WARMUP_SECONDS,
    request: (i) => {
      const session = all[i % all.length]!;
      return { path: pathFor(session), headers: { cookie: session.cookie } };
    },
  });
  return {
    total: r.attempted,
    requestsPerSecond: r.answeredPerSecond,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    non2xx: r.attempted - r.ok - r.errors,
    errors: r.errors,
    statusCodes: r.statusCodes,
    generatorLagP99Ms: r.startLagP99Ms,
    warmupP99Ms: r.warmupP99Ms,
  };
}

export async function loadEndpoints(input: {
  databaseUrl: string;
  people: ReturnType<typeof benchPeople>;
  size: DatasetSize;
}): Promise<LoadResult[]> {
  const secret = crypto.randomBytes(33).toString("base64");
  const all = await sessions(input.databaseUrl, secret, input.people, input.size);
  const results: LoadResult[] = [];
  for (const processes of PROCESS_COUNTS)
    results.push(...(await loadOneServer({ databaseUrl: input.databaseUrl, secret, all, processes })));
  return results;
}

/**
 * The server as `npm start` runs it with WEB_CONCURRENCY = 1, then one process per core:
 * BENCH_HTTP_PROCESSES (comma-separated counts) to choose. A Node.js process answers on one core.
 */
const PROCESS_COUNTS = (process.env.BENCH_HTTP_PROCESSES ?? `1,${os.availableParallelism()}`)
  .split(",")
  .map(Number)
  .filter((n, i, all) => Number.isInteger(n) && n > 0 && all.indexOf(n) === i);

async function loadOneServer(input: {
  databaseUrl: string;
  secret: string;
  all: Session[];
  processes: number;
}): Promise<LoadResult[]> {
  const { all, processes } = input;
  // BENCH_SERVER_NODE_ARGS: Node flags for a one-process server (run as scripts/next-server.mjs directly), e.g.
  // `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean);
  const server = await startApp({
    databaseUrl: input.databaseUrl,
    secret: input.secret,
    ...(nodeArgs && processes === 1 ? { nodeArgs } : { processes }),
  });
  const endpoints = ENDPOINTS.filter((e) => ONLY_ENDPOINTS === null || ONLY_ENDPOINTS.has(e.key));
  try {
    for (const e of endpoints) {
      const response = await fetch(`${server.origin}${e.path(all[0]!)}`, { headers: { cookie: all[0]!.cookie } });
      if (response.status !== 200) throw new Error(`${e.name} answered ${response.status}: ${await response.text()}`);
    }
    console.log(
      `\nHTTP load on ${processes} server process${processes === 1 ? "" : "es"} (${CONNECTIONS} connections, ${SECONDS} s each) on ${server.origin}:`,
    );
    const results: LoadResult[] = [];
    for (const e of endpoints) {
      await load({ ...server, processes }, e.name, e.path, all, 3, e.constant); // warm-up
      const r = await load({ ...server, processes }, e.name, e.path, all, SECONDS, e.constant);
      const cpu = r.cpuMsPerRequest;
      console.log(
        `  ${r.name}: ${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.p99Ms} ms, statuses ${JSON.stringify(r.statusCodes)}, ${r.errors} errors; ` +
          `CPU ms per request: server ${cpu.server.toFixed(2)}, PostgreSQL ${cpu.postgres.toFixed(2)}, load generator ${cpu.generator.toFixed(2)}`,
      );
      console.log(`    ${r.machine}`);
      results.push(r);
    }
    // p99 at saturation is queueing (the constant route's own is ~100 ms there): offer each data
    // endpoint 70 % of the constant route's saturated rate, open loop, and read p50/p99 there.
    const ceiling = results.find((r) => r.constant)?.requestsPerSecond;
    if (ceiling) {
      const rate = OPEN_LOOP_SHARE * ceiling;
      console.log(
        `  open loop at ${rate.toFixed(0)} req/s (${OPEN_LOOP_SHARE * 100} % of the constant route's ${ceiling.toFixed(0)}):`,
      );
      for (const e of endpoints) {
        const r = await load({ ...server, processes }, e.name, e.path, all, SECONDS, e.constant, rate);
        console.log(
          `    ${r.name}: ${r.requestsPerSecond.toFixed(0)} req/s answered, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms (warm-up before it: ${OPEN_LOOP_WARMUP_SECONDS} s, p99 ${r.warmupP99Ms?.toFixed(1)} ms; generator lag p99 ${r.generatorLagP99Ms?.toFixed(1)} ms), statuses ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`,
        );
        console.log(`      ${r.machine}`);
        results.push(r);
      }
    }
    return results;
  } finally {
    await server.stop();
  }
}
