/**
 * What every benchmark needs around the app: a scratch database, production servers of this
 * build on free ports, session cookies minted with the servers' secret, and their memory.
 */
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { openPostgres } from "@/db/client";
import { buildIsCurrent } from "@/scripts/build-state";
import { freePort } from "./free-port";
import { appDir, nextBin, stopProcess, waitForOk } from "./http";

export const SESSION_COOKIE = "authjs.session-token";

/** BENCH_DATABASE_URL as given, or a database made on the local server and dropped afterwards. */
export async function scratchDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { url: given, drop: async () => {} };
  const server = process.env.BENCH_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `${prefix}_${process.pid}`;
  const admin = openPostgres(server, { max: 1 });
  await admin.sql!.unsafe(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      if (process.env.BENCH_KEEP_DATABASE) console.log(`Kept the database: ${url.toString()}`);
      else await admin.sql!.unsafe(`drop database if exists ${name} with (force)`);
      await admin.close();
    },
  };
}

export interface AppServer {
  origin: string;
  pid: number;
  stop(): Promise<void>;
  /** Whether the server process is still the one started (it has not exited). */
  running(): boolean;
  /** What the server wrote to stderr, when started with `captureStderr`. */
  stderr(): string;
}

/**
 * Builds once if there is no build, then runs the server process `npm start` runs
 * (scripts/next-server.mjs) on a free port against `databaseUrl`; with `processes`, runs it as
 * `npm start` does (scripts/start.ts, WEB_CONCURRENCY processes).
 */
export async function startApp(input: {
  databaseUrl: string;
  secret: string;
  env?: Record<string, string>;
  /** Flags for the server's Node.js (before next's own arguments; not with `processes`). */
  nodeArgs?: string[];
  processes?: number;
  captureStderr?: boolean;
}): Promise<AppServer> {
  const dir = appDir();
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: input.databaseUrl,
    AUTH_SECRET: input.secret,
    // Serves /api/bench/constant, the framework's ceiling; the product answers 404 there.
    CAREBRIDGE_BENCH_ROUTES: "1",
    ...input.env,
  };
  // npm start would build a stale app itself, silently and within the wait for its first answer.
  if (!buildIsCurrent(dir)) {
    console.log(`Building ${dir} (no build, or the sources changed)…`);
    const build = spawnSync(process.execPath, [nextBin(dir), "build"], { cwd: dir, stdio: "inherit", env });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const port = await freePort();
  const args = input.processes
    ? ["--conditions=react-server", "--import", "tsx", path.join(dir, "scripts/start.ts")]
    : process.env.BENCH_NEXT_START
      ? [...(input.nodeArgs ?? []), nextBin(dir), "start", "-p", String(port), "-H", "127.0.0.1"]
      : [...(input.nodeArgs ?? []), path.join(dir, "scripts/next-server.mjs")];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: input.processes
      ? { ...env, PORT: String(port), WEB_CONCURRENCY: String(input.processes) }
      : { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
    stdio: ["ignore", "ignore", input.captureStderr ? "pipe" : "inherit"],
    detached: true,
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${origin}/api/health`, 60_000, child);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    origin,
    pid: child.pid!,
    stop: () => stopProcess(child),
    running: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
  };
}

/**
 * Session cookies for these users, as Auth.js sets them after sign-in, each with its sign-in
 * recorded in `user_sessions` (a cookie without its row is refused, as a signed-out one is).
 */
export async function sessionCookies(
  secret: string,
  databaseUrl: string,
  people: { id: string; role: "patient" | "doctor" | "admin" }[],
): Promise<string[]> {
  const sids = people.map(() => crypto.randomUUID());
  const db = openPostgres(databaseUrl, { max: 1 });
  try {
    await db.sql!.unsafe(
      `insert into user_sessions (id, user_id, version, expires_at)
       select s.id, u.id, u.session_version, now() + interval '12 hours'
         from unnest($1::uuid[], $2::uuid[]) s(id, user_id) join users u on u.id = s.user_id`,
      [sids, people.map((p) => p.id)],
    );
  } finally {
    await db.close();
  }
  return Promise.all(
    people.map(async (user, i) => {
      const token = await encode({
        token: { sub: user.id, role: user.role, sid: sids[i] },
        secret,
        salt: SESSION_COOKIE,
        maxAge: 12 * 3600,
      });
      return `${SESSION_COOKIE}=${token}`;
    }),
  );
}

/** One user's session cookie (see sessionCookies). */
export async function sessionCookie(
  secret: string,
  databaseUrl: string,
  user: { id: string; role: "patient" | "doctor" | "admin" },
): Promise<string> {
  return (await sessionCookies(secret, databaseUrl, [user]))[0]!;
}

/** Resident memory of a process (and its children, where the server forks), in MB. */
export function rssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const children = fs.readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim();
      for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
    } catch {
      // gone
    }
  };
  visit(pid);
  return kb / 1024;
}

/**
 * Reads a user's live-update stream (/api/events) as the browser's EventSource would, passing each
 * event to `onEvent`; resolves once the server says the stream is subscribed ("ready").
 */
export async function openEventStream(
  origin: string,
  cookie: string,
  onEvent: (event: { type: string; roomId?: string; seq?: number }) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(`${origin}/api/events`, { headers: { cookie, accept: "text/event-stream" }, signal });
  if (!response.ok || !response.body) throw new Error(`/api/events answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const data = buffer
            .slice(0, end)
            .split("\n")
            .find((l) => l.startsWith("data: "));
          buffer = buffer.slice(end + 2);
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { type: string; roomId?: string; seq?: number };
          onEvent(event);
          if (event.type === "ready") ready();
        }
      }
    } catch {
      // closed
    }
  })();
  await isReady;
}
