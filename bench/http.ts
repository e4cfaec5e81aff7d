/**
 * The HTTP endpoints under load: a production server of this app (`next start`) on the bench
 * database, 50 connections each signed in as a different user (session cookies minted with the
 * server's secret), 20 s per endpoint, the constant route first as the framework's ceiling.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";
import autocannon from "autocannon";
import { openPostgres } from "@/db/client";
import type { benchPeople, DatasetSize } from "./dataset";
import { sessionCookie } from "./server";

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
}

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 20);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The app folder whose build is served: BENCH_APP_DIR, or this repository. */
export const appDir = () => path.resolve(process.env.BENCH_APP_DIR ?? process.cwd());
export const nextBin = (dir: string) => createRequire(path.join(dir, "package.json")).resolve("next/dist/bin/next");

export async function waitForOk(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before answering ${url}`);
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
    // The whole group: npm start runs next start as a child of its own.
    process.kill(-child.pid, "SIGTERM");
    setTimeout(() => child.exitCode === null && child.pid && process.kill(-child.pid, "SIGKILL"), 10_000).unref();
  });
}

async function startServer(databaseUrl: string, secret: string): Promise<{ origin: string; stop: () => Promise<void> }> {
  const dir = appDir();
  const env = { ...process.env, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: databaseUrl, AUTH_SECRET: secret };
  if (!fs.existsSync(path.join(dir, ".next", "BUILD_ID"))) {
    console.log(`Building ${dir} (no build found)…`);
    const build = spawnSync(process.execPath, [nextBin(dir), "build"], { cwd: dir, stdio: "inherit", env });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin(dir), "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${origin}/api/bench/constant`, 60_000, child);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { origin, stop: () => stopProcess(child) };
}

interface Session {
  cookie: string;
  roomId: string;
  lastSeq: number;
}

/** 50 people: patients 1001… (three rooms each) and a few ordinary doctors (about 240 rooms each). */
async function sessions(databaseUrl: string, secret: string, people: ReturnType<typeof benchPeople>, size: DatasetSize): Promise<Session[]> {
  const chosen: { id: string; role: "patient" | "doctor" }[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    chosen.push(i % 10 === 9 ? { id: people.doctor(2 + Math.floor(i / 10)), role: "doctor" } : { id: people.patient(1001 + i), role: "patient" });
  }
  const db = openPostgres(databaseUrl, { max: 1 });
  try {
    const rooms = await db.sql!.unsafe<{ user_id: string; room_id: string; last_seq: number }[]>(
      `select distinct on (m.user_id) m.user_id, m.room_id, c.last_seq
         from room_members m join chat_rooms c on c.id = m.room_id
        where m.user_id = any($1::uuid[]) order by m.user_id, c.last_activity_at desc`,
      [chosen.map((c) => c.id)],
    );
    return Promise.all(
      chosen.map(async (person) => {
        const room = rooms.find((r) => r.user_id === person.id);
        if (!room) throw new Error(`no room for bench user ${person.id} (data set of ${size.rooms} rooms)`);
        return { cookie: await sessionCookie(secret, person), roomId: room.room_id, lastSeq: room.last_seq };
      }),
    );
  } finally {
    await db.close();
  }
}

async function load(origin: string, name: string, pathFor: (s: Session) => string, all: Session[], seconds: number, constant = false): Promise<LoadResult> {
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
          return { ...request, method: "GET", path: pathFor(session), headers: { ...request.headers, cookie: session.cookie } };
        },
      },
    ],
  });
  return {
    name,
    path: pathFor(all[0]!),
    constant,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0])),
  };
}

export async function loadEndpoints(input: { databaseUrl: string; people: ReturnType<typeof benchPeople>; size: DatasetSize }): Promise<LoadResult[]> {
  const secret = crypto.randomBytes(33).toString("base64");
  const all = await sessions(input.databaseUrl, secret, input.people, input.size);
  const server = await startServer(input.databaseUrl, secret);
  const endpoints: { name: string; path: (s: Session) => string; constant?: boolean }[] = [
    { name: "constant JSON (ceiling)", path: () => "/api/bench/constant", constant: true },
    { name: "thread poll ?after=N", path: (s) => `/api/rooms/${s.roomId}/messages?after=${s.lastSeq}` },
    { name: "unread total", path: () => "/api/unread" },
    { name: "conversation list", path: () => "/api/conversations" },
  ];
  try {
    for (const e of endpoints) {
      const response = await fetch(`${server.origin}${e.path(all[0]!)}`, { headers: { cookie: all[0]!.cookie } });
      if (response.status !== 200) throw new Error(`${e.name} answered ${response.status}: ${await response.text()}`);
    }
    console.log(`\nHTTP load (${CONNECTIONS} connections, ${SECONDS} s each) on ${server.origin}:`);
    const results: LoadResult[] = [];
    for (const e of endpoints) {
      await load(server.origin, e.name, e.path, all, 3, e.constant); // warm-up
      const r = await load(server.origin, e.name, e.path, all, SECONDS, e.constant);
      console.log(`  ${r.name}: ${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.p99Ms} ms, statuses ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`);
      results.push(r);
    }
    return results;
  } finally {
    await server.stop();
  }
}
