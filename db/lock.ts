import fs from "node:fs";
import path from "node:path";

/**
 * An exclusive lock on the embedded database folder. PGlite gives none of its own: a second
 * process opening the same folder silently loses the first one's later writes.
 * The lock file holds the owner's pid and its start time, so a lock left by a killed process
 * (or one whose pid was reused by an unrelated process) is taken over.
 */
export class DatabaseInUseError extends Error {
  constructor(
    readonly pid: number,
    dataDir: string,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. ` +
        `Stop that process first, or set DATABASE_URL to use a PostgreSQL server.`,
    );
    this.name = "DatabaseInUseError";
  }
}

interface LockOwner {
  pid: number;
  started: string | null;
}

/** The process's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22, counted after the command name, which may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const started = processStartTime(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

function readOwner(file: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    if (parsed && typeof parsed === "object" && "pid" in parsed && typeof parsed.pid === "number") {
      const started = "started" in parsed && typeof parsed.started === "string" ? parsed.started : null;
      return { pid: parsed.pid, started };
    }
  } catch {
    // unreadable or half-written: treated as no owner
  }
  return null;
}

export function lockFileOf(dataDir: string): string {
  return path.join(dataDir, "pglite.lock");
}

/** The live process holding the lock, if any (and not this process). */
export function lockHolder(dataDir: string): number | null {
  const owner = readOwner(lockFileOf(dataDir));
  if (!owner || owner.pid === process.pid || !isAlive(owner)) return null;
  return owner.pid;
}

/** Takes the lock for this process or throws DatabaseInUseError. Returns its release function. */
export function acquireLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockFileOf(dataDir);
  const me: LockOwner = { pid: process.pid, started: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: "wx" });
      const release = () => {
        if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(file);
    if (owner && owner.pid !== process.pid && isAlive(owner)) throw new DatabaseInUseError(owner.pid, dataDir);
    // Stale (its process is gone) or our own leftover: remove and try again.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}`);
}
