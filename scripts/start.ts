/**
 * `npm start`: serves Carebridge in production mode. On the embedded database it refuses at once
 * when another process holds the data folder (before building or touching anything), builds when
 * the build is missing or older than the sources, then runs `next start`, which migrates and
 * seeds on first start (instrumentation.ts) and closes the database cleanly on Ctrl+C or SIGTERM.
 * The server process is scripts/next-server.mjs: Next's handler, with the live event stream before it.
 * With WEB_CONCURRENCY above 1 (PostgreSQL only) it runs that many server processes on one port.
 */
import "./load-env";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";
import { lockHolder } from "@/db/lock";
import { authSecret, dataDir, readEnv, type Env } from "@/lib/env";
import { buildIsCurrent } from "./build-state";
import { serverProcessCount, serveNext } from "./server-processes";

const root = process.cwd();
const nextBin = createRequire(path.join(root, "package.json")).resolve("next/dist/bin/next");
function exitWith(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

function main() {
  let env: Env;
  try {
    env = readEnv();
  } catch (error) {
    exitWith(`Carebridge cannot start: ${(error as Error).message}`);
  }
  const processCount = serverProcessCount(process.env);
  if (!processCount.ok) exitWith(`Carebridge cannot start: ${processCount.message}`);
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_MANUAL_SIG_HANDLE: "true",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete childEnv.WEB_CONCURRENCY;
  if (!env.DATABASE_URL) {
    const holder = lockHolder(dataDir(env));
    if (holder !== null) {
      exitWith(
        `Carebridge cannot start: the embedded database in ${dataDir(env)} is in use by process ${holder}. ` +
          `Stop that process first, or set DATABASE_URL to use a PostgreSQL server.`,
      );
    }
    childEnv.AUTH_SECRET = authSecret(env);
  }

  if (!buildIsCurrent(root)) {
    console.log("Building Carebridge (first start, or the sources changed)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], {
      stdio: "inherit",
      env: { ...childEnv, NEXT_MANUAL_SIG_HANDLE: undefined },
    });
    if (build.status !== 0) exitWith("The build failed; see the messages above.");
  }

  serveNext({
    script: path.join(root, "scripts/next-server.mjs"),
    execArgv: [],
    port: process.env.PORT ?? "3000",
    processes: processCount.processes,
    env: childEnv,
  });
}

main();
