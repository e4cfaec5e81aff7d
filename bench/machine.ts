/**
 * How busy the machine was during a measurement: the share of CPU time left idle, from
 * /proc/stat, how much of the busy time was not ours (this process, its children and PostgreSQL),
 * and how long some runnable task waited for a core (Linux's CPU pressure). Every figure a
 * benchmark prints comes with it, so a run on a loaded machine says so.
 */
import fs from "node:fs";
import os from "node:os";

interface Snapshot {
  idle: number;
  total: number;
  ours: number;
  /** Microseconds in which some runnable task waited for a core, since boot; null without PSI. */
  waited: number | null;
  at: number;
}

function cpuTimes(): { idle: number; total: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { idle, total: values.reduce((a, b) => a + b, 0) };
}

/**
 * /proc/pressure/cpu's "some" total. Unlike the idle share, it tells a machine that is merely busy
 * from one whose tasks queue for a core, which is what stretches a latency tail: at 70 % of the
 * constant route's rate on two server processes it read 37 % over a minute.
 */
function cpuWaitedMicros(): number | null {
  try {
    const some = fs.readFileSync("/proc/pressure/cpu", "utf8").split("\n")[0] ?? "";
    const total = /\btotal=(\d+)/.exec(some)?.[1];
    return total === undefined ? null : Number(total);
  } catch {
    return null;
  }
}

/** CPU ticks of this process and all its descendants (children that have ended included). */
function ourTicks(): number {
  const read = (pid: number): number => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime, stime, cutime, cstime
      return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      return 0;
    }
  };
  const children = (pid: number): number[] => {
    try {
      const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
      return text ? text.split(/\s+/).map(Number) : [];
    } catch {
      return [];
    }
  };
  let sum = 0;
  const stack = [process.pid];
  while (stack.length) {
    const pid = stack.pop()!;
    sum += read(pid);
    stack.push(...children(pid));
  }
  return sum;
}

/** CPU ticks of every PostgreSQL process: the database is part of a database benchmark's work. */
function postgresTicks(): number {
  let sum = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      sum += Number(f[11]) + Number(f[12]);
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

/** Now: the machine's CPU counters, and this benchmark's own (its process tree and PostgreSQL). */
export function machineSnapshot(): Snapshot {
  return { ...cpuTimes(), ours: ourTicks() + postgresTicks(), waited: cpuWaitedMicros(), at: Date.now() };
}

export interface MachineLoad {
  /** Share of all CPU time (every core) left idle, 0–1. */
  idleShare: number;
  /** Share of all CPU time used by processes other than this benchmark's own tree (PostgreSQL counts here too). */
  othersShare: number;
  /** Share of the run's time in which some runnable task waited for a core, 0–1; null without PSI. */
  waitingShare: number | null;
  line: string;
}

/** The machine's load between two snapshots; `ownedTicks` adds CPU of processes started outside this tree. */
export function machineLoad(before: Snapshot, after: Snapshot = machineSnapshot(), ownedTicks = 0): MachineLoad {
  const total = after.total - before.total;
  const idleShare = total > 0 ? (after.idle - before.idle) / total : 1;
  const busy = total - (after.idle - before.idle);
  const ours = after.ours - before.ours + ownedTicks;
  const othersShare = total > 0 ? Math.max(0, busy - ours) / total : 0;
  const elapsedMicros = (after.at - before.at) * 1000;
  const waitingShare =
    before.waited !== null && after.waited !== null && elapsedMicros > 0
      ? Math.min(1, (after.waited - before.waited) / elapsedMicros)
      : null;
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const waiting = waitingShare === null ? "" : `, tasks waiting for a core ${pct(waitingShare)} of the time`;
  const warning =
    othersShare > 0.15 ? `  WARNING: other processes used ${pct(othersShare)} of the CPU: figures may be low` : "";
  return {
    idleShare,
    othersShare,
    waitingShare,
    line: `machine: ${os.cpus().length} cores, ${pct(idleShare)} idle during the run, others ${pct(othersShare)}${waiting}${warning}`,
  };
}
