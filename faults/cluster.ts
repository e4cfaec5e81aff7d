/**
 * The local PostgreSQL cluster, driven with Debian's pg_ctlcluster (as root, here and in CI).
 * Stopping and starting are asynchronous so that the clients keep sending meanwhile; the
 * synchronous `ensureRunningSync` is for exit paths, where nothing else may run.
 */
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Cluster {
  label: string;
  isRunning(): Promise<boolean>;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Starts the cluster if it is down; never throws (for finally blocks and signal handlers). */
  ensureRunningSync(): void;
}

export function localCluster(name = "main"): Cluster {
  name ||= "main";
  const root = "/etc/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(`${root}/${v}/${name}`)) : [];
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!version)
    throw new Error(
      `No PostgreSQL cluster "${name}" under ${root}: this test restarts a local cluster with pg_ctlcluster.`,
    );
  const args = (action: string) => ["--skip-systemctl-redirect", version, name, action];
  const ctl = async (action: string) => {
    try {
      await run("pg_ctlcluster", args(action), { timeout: 60_000 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`pg_ctlcluster ${version} ${name} ${action} failed: ${(e.stderr || e.message).trim()}`);
    }
  };
  return {
    label: `PostgreSQL ${version}/${name}`,
    async isRunning() {
      // Exit status 0: running; 3: down.
      return run("pg_ctlcluster", args("status")).then(
        () => true,
        () => false,
      );
    },
    stop: () => ctl("stop"),
    start: () => ctl("start"),
    restart: () => ctl("restart"),
    ensureRunningSync() {
      if (spawnSync("pg_ctlcluster", args("status")).status === 0) return;
      const started = spawnSync("pg_ctlcluster", args("start"), { encoding: "utf8", timeout: 60_000 });
      if (started.status !== 0)
        console.error(
          `Could not start ${version}/${name} again: ${started.stderr.trim()}. Start it by hand: pg_ctlcluster ${version} ${name} start`,
        );
      else console.error(`Started ${version}/${name} again.`);
    },
  };
}
