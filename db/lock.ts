import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * An exclusive lock on the embedded database folder. PGlite gives none of its own: a second
 * process opening the same folder silently loses the first one's later writes.
 *
 * The lock file holds the owner's pid, its start time and a random token. It is created whole
 * (written to a private file, then hard-linked into place, which fails if the lock exists), so a
 * reader never sees it half-written. A lock left by a killed process, or whose pid now belongs to
 * an unrelated process, is taken over; takeovers are serialised by a second lock of the same kind
 * so two processes cannot both take over one stale lock.
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
  token: string;
}

/** Folders this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

const UNREADABLE_GRACE_MS = 5_000;
const TAKEOVER_STALE_MS = 10_000;

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

function isAlive(owner: Pick<LockOwner, "pid" | "started">): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const started = processStartTime(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

function readRaw(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function parseOwner(raw: string | null): LockOwner | null {
  if (raw === null) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && "pid" in parsed && typeof parsed.pid === "number") {
      const started = "started" in parsed && typeof parsed.started === "string" ? parsed.started : null;
      const token = "token" in parsed && typeof parsed.token === "string" ? parsed.token : "";
      return { pid: parsed.pid, started, token };
    }
  } catch {
    // not ours, or damaged
  }
  return null;
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Creates `file` holding `content` in one step, or returns false when it exists. */
function createWhole(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes the lock file if it still holds exactly `observed`, one process at a time. */
function takeOver(file: string, observed: string | null, me: string): void {
  const guard = `${file}.takeover`;
  if (!createWhole(guard, me)) {
    if (ageMs(guard) > TAKEOVER_STALE_MS) fs.rmSync(guard, { force: true });
    return;
  }
  try {
    if (readRaw(file) === observed) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

export function lockFileOf(dataDir: string): string {
  return path.join(dataDir, "pglite.lock");
}

/** The live process holding the lock, if any (and not this process). */
export function lockHolder(dataDir: string): number | null {
  const owner = parseOwner(readRaw(lockFileOf(dataDir)));
  if (!owner || owner.pid === process.pid || !isAlive(owner)) return null;
  return owner.pid;
}

/** Takes the lock for this process or throws DatabaseInUseError. Returns its release function. */
export function acquireLock(dataDir: string): () => void {
  const dir = path.resolve(dataDir);
  if (heldHere.has(dir)) throw new DatabaseInUseError(process.pid, dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = lockFileOf(dir);
  const me: LockOwner = {
    pid: process.pid,
    started: processStartTime(process.pid),
    token: crypto.randomBytes(16).toString("hex"),
  };
  const content = JSON.stringify(me);

  for (let attempt = 0; attempt < 200; attempt++) {
    if (createWhole(file, content)) {
      heldHere.add(dir);
      const release = () => {
        heldHere.delete(dir);
        if (parseOwner(readRaw(file))?.token === me.token) fs.rmSync(file, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return release;
    }
    const raw = readRaw(file);
    const owner = parseOwner(raw);
    if (owner && owner.pid !== process.pid && isAlive(owner)) throw new DatabaseInUseError(owner.pid, dataDir);
    if (raw !== null && !owner && ageMs(file) < UNREADABLE_GRACE_MS) {
      // Not a lock we could have written: leave it a moment in case something is writing it.
      sleepSync(25);
      continue;
    }
    // Stale: its process is gone, or it is this pid's leftover from an earlier process.
    takeOver(file, raw, content);
    sleepSync(5 + Math.floor(Math.random() * 10));
  }
  throw new Error(`Could not take the lock ${file}; remove it if no Carebridge process is running.`);
}
