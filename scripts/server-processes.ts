/**
 * Runs the server (scripts/next-server.mjs): one process, or (WEB_CONCURRENCY above 1) a node:cluster of that many on one
 * port. A Node.js process answers on one core, so one process per core is how a server uses the
 * whole machine; the processes keep no state of their own (sessions are cookies, everything else
 * is in PostgreSQL), so any of them may answer any request.
 *
 * A process counts as serving once its database is ready (it says so over IPC). Signals reach
 * every process, which closes its database and exits. A process that stops by itself is replaced
 * while others serve: at once if it had served, after a growing pause if it could not start (the
 * database restarting, say). If none serves (a failed first start: it has said why), they all
 * stop and its exit code is passed on; so they do when serving processes keep crashing.
 */
import { spawn } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import { z } from "zod";
import { EXIT_ON_SIGNAL, isStopSignal, stopSignalOf, type StopSignal } from "@/scripts/exit-codes";
import { isServingMessage } from "@/scripts/serving-signal";

/** More crashes of serving processes than this within the window: something is wrong for good. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
/** Pause before replacing a process that could not start: doubling from the first, up to the last. */
const RETRY_START_MS = [1_000, 30_000] as const;

const processCountSchema = z.coerce
  .number({ error: "WEB_CONCURRENCY must be a whole number of processes" })
  .int("WEB_CONCURRENCY must be a whole number of processes")
  .min(1, "WEB_CONCURRENCY must be at least 1")
  .max(1024, "WEB_CONCURRENCY must be at most 1024");

/**
 * How many server processes `npm start` runs: WEB_CONCURRENCY (default 1). Read here only, not
 * with the rest of the environment, so `next dev`, `next start` and the scripts never refuse a
 * value a platform set for someone else. Above 1 needs PostgreSQL: the embedded database belongs
 * to one process.
 */
export function serverProcessCount(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; processes: number } | { ok: false; message: string } {
  const given = env.WEB_CONCURRENCY?.trim();
  const parsed = processCountSchema.safeParse(given ? given : 1);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
  if (parsed.data > 1 && !env.DATABASE_URL?.trim()) {
    return {
      ok: false,
      message:
        "WEB_CONCURRENCY above 1 needs DATABASE_URL: the embedded database belongs to one process. Use a PostgreSQL server for more.",
    };
  }
  return { ok: true, processes: parsed.data };
}

export interface ServeOptions {
  /** A server process's entry (scripts/next-server.mjs), run by this Node.js with `execArgv`. */
  script: string;
  execArgv: string[];
  port: string;
  processes: number;
  env: NodeJS.ProcessEnv;
}

export function serveNext(options: ServeOptions): void {
  if (options.processes <= 1) serveOne(options);
  else serveCluster(options);
}

function serveOne({ script, execArgv, port, env }: ServeOptions): void {
  const server = spawn(process.execPath, [...execArgv, script], { stdio: "inherit", env: { ...env, PORT: port } });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => server.kill(signal));
  }
  server.on("exit", (code, signal) => process.exit(code ?? (isStopSignal(signal) ? EXIT_ON_SIGNAL[signal] : 1)));
}

function serveCluster({ script, execArgv, port, processes, env }: ServeOptions): void {
  cluster.setupPrimary({ exec: script, execArgv });
  const live = new Set<Worker>();
  const serving = new WeakSet<Worker>();
  const crashes: number[] = [];
  const pendingForks = new Set<NodeJS.Timeout>();
  let failedStarts = 0;
  let stopping: { code: number } | null = null;

  const fork = () => {
    const worker = cluster.fork({ ...env, PORT: port });
    live.add(worker);
    worker.on("message", (message: unknown) => {
      if (!isServingMessage(message)) return;
      serving.add(worker);
      failedStarts = 0;
    });
  };
  const forkAfter = (ms: number) => {
    const timer = setTimeout(() => {
      pendingForks.delete(timer);
      fork();
    }, ms);
    pendingForks.add(timer);
  };
  const stopAll = (signal: StopSignal, code: number) => {
    stopping ??= { code };
    for (const timer of pendingForks) clearTimeout(timer);
    pendingForks.clear();
    if (live.size === 0) process.exit(stopping.code);
    for (const worker of live) worker.process.kill(signal);
  };
  const servingCount = () => [...live].filter((w) => serving.has(w)).length;

  cluster.on("exit", (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (live.size === 0) process.exit(stopping.code);
      return;
    }
    const pid = worker.process.pid;
    // Ctrl+C or a service manager's stop reached this process before the primary heard of it.
    const stopSignal = stopSignalOf(code, signal);
    if (stopSignal) {
      stopAll(stopSignal, EXIT_ON_SIGNAL[stopSignal]);
      return;
    }
    if (!serving.has(worker)) {
      if (servingCount() === 0 && pendingForks.size === 0) {
        stopAll("SIGTERM", code || 1);
        return;
      }
      const pause = Math.min(RETRY_START_MS[0] * 2 ** failedStarts++, RETRY_START_MS[1]);
      console.error(`Server process ${pid} could not start (exit code ${code}); trying again in ${pause / 1000} s.`);
      forkAfter(pause);
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length > MAX_CRASHES) {
      console.error(`\nCarebridge stops: server processes stopped ${crashes.length} times within a minute.\n`);
      stopAll("SIGTERM", 1);
      return;
    }
    console.error(`Server process ${pid} stopped (${signal ?? `exit code ${code}`}); starting another.`);
    fork();
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => stopAll(signal, EXIT_ON_SIGNAL[signal]));
  }
  console.log(`Starting ${processes} server processes on port ${port}.`);
  for (let i = 0; i < processes; i++) fork();
}
