/**
 * Runs `next start`: one process, or (WEB_CONCURRENCY above 1) a node:cluster of that many on one
 * port. A Node.js process answers on one core, so one process per core is how a server uses the
 * whole machine; the processes keep no state of their own (sessions are cookies, everything else
 * is in PostgreSQL), so any of them may answer any request.
 *
 * Signals reach every process, which closes its database and exits. A process that stops by
 * itself after it was serving (its database ready: it says so over IPC) is replaced; one that
 * stops before (the database is unreachable, say: it has said why) stops the others, and the exit
 * code is passed on.
 */
import { spawn } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import { isServingMessage } from "@/lib/serving-signal";

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
/** More replacements than this within the window: something is wrong for good, so stop. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

export interface ServeOptions {
  nextBin: string;
  port: string;
  processes: number;
  env: NodeJS.ProcessEnv;
}

export function serveNext(options: ServeOptions): void {
  if (options.processes <= 1) serveOne(options);
  else serveCluster(options);
}

function serveOne({ nextBin, port, env }: ServeOptions): void {
  const server = spawn(process.execPath, [nextBin, "start", "-p", port], { stdio: "inherit", env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => server.kill(signal));
  }
  server.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? SIGNAL_EXIT.SIGINT : SIGNAL_EXIT.SIGTERM)));
}

function serveCluster({ nextBin, port, processes, env }: ServeOptions): void {
  // The workers run next's own CLI, without this script's loader (tsx).
  cluster.setupPrimary({ exec: nextBin, args: ["start", "-p", port], execArgv: [] });
  const live = new Set<Worker>();
  const serving = new WeakSet<Worker>();
  const restarts: number[] = [];
  let stopping: { code: number } | null = null;

  const fork = () => {
    const worker = cluster.fork(env);
    live.add(worker);
    worker.on("message", (message: unknown) => {
      if (isServingMessage(message)) serving.add(worker);
    });
  };
  const stopAll = (signal: NodeJS.Signals, code: number) => {
    stopping ??= { code };
    if (live.size === 0) process.exit(stopping.code);
    for (const worker of live) worker.process.kill(signal);
  };

  cluster.on("exit", (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (live.size === 0) process.exit(stopping.code);
      return;
    }
    if (!serving.has(worker)) {
      stopAll("SIGTERM", code || 1);
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      console.error(`\nCarebridge stops: server processes stopped ${restarts.length} times within a minute.\n`);
      stopAll("SIGTERM", 1);
      return;
    }
    console.error(`Server process ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another.`);
    fork();
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => stopAll(signal, SIGNAL_EXIT[signal]));
  }
  console.log(`Starting ${processes} server processes on port ${port}.`);
  for (let i = 0; i < processes; i++) fork();
}
