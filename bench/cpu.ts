/**
 * CPU time spent by the parts of an HTTP load run, from /proc: the app server (its process tree),
 * PostgreSQL (every process named postgres) and the load generator (this process). On a two-core
 * machine the three share the cores, so the figures per request say which one limits throughput.
 * Every process named postgres on the machine counts (run it on an otherwise idle server), and a
 * process that ends between two snapshots takes its CPU time with it (the pool's connections
 * stay open through a run).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process, in ms (0 once it is gone). */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

function treeCpuMs(pid: number): number {
  return processCpuMs(pid) + childrenOf(pid).reduce((sum, child) => sum + treeCpuMs(child), 0);
}

function postgresCpuMs(): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") total += processCpuMs(Number(entry));
    } catch {
      // gone
    }
  }
  return total;
}

export interface CpuSnapshot {
  server: number;
  postgres: number;
  generator: number;
}

export function cpuSnapshot(serverPid: number): CpuSnapshot {
  const own = process.cpuUsage();
  return { server: treeCpuMs(serverPid), postgres: postgresCpuMs(), generator: (own.user + own.system) / 1000 };
}

/** CPU ms per request of each part between two snapshots. */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuSnapshot {
  const per = (key: keyof CpuSnapshot) => (requests > 0 ? (after[key] - before[key]) / requests : Number.NaN);
  return { server: per("server"), postgres: per("postgres"), generator: per("generator") };
}
