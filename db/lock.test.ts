import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { killFixtures, startFixture } from "@/test/fixtures/child";
import { acquireLock, DatabaseInUseError, lockFileOf, lockHolder } from "./lock";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-lock-"));
});
afterEach(async () => {
  await killFixtures();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lockContent = () =>
  JSON.parse(fs.readFileSync(lockFileOf(dir), "utf8")) as { pid: number; started: string | null };

/** The start time field the lock records for a pid (Linux /proc). */
function startTimeOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ["-e", ""]);
  expect(result.status).toBe(0);
  return result.pid;
}

function expectInUse(holder: number) {
  let caught: unknown;
  try {
    acquireLock(dir);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DatabaseInUseError);
  const error = caught as DatabaseInUseError;
  expect(error.name).toBe("DatabaseInUseError");
  expect(error.pid).toBe(holder);
  expect(error.message).toContain(`in use by process ${holder}`);
  expect(error.message).toContain(dir);
}

describe("the embedded database lock", () => {
  it("takes and releases the lock in this process", () => {
    expect(lockHolder(dir)).toBeNull();
    const release = acquireLock(dir);
    expect(lockContent()).toEqual({
      pid: process.pid,
      started: startTimeOf(process.pid),
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    // This process's own lock is not reported as held by someone else.
    expect(lockHolder(dir)).toBeNull();
    // A second open of the same folder in this same process is refused too.
    expect(() => acquireLock(dir)).toThrow(DatabaseInUseError);
    release();
    expect(fs.existsSync(lockFileOf(dir))).toBe(false);
    // Releasing twice is harmless, and the lock can be taken again.
    release();
    const again = acquireLock(dir);
    expect(fs.existsSync(lockFileOf(dir))).toBe(true);
    again();
  });

  it("creates a missing data folder", () => {
    const nested = path.join(dir, "a", "b");
    const release = acquireLock(nested);
    expect(fs.existsSync(lockFileOf(nested))).toBe(true);
    release();
  });

  it("refuses while another process holds it, naming that process", async () => {
    const child = startFixture("hold-lock.ts", [dir]);
    await child.waitFor("locked");
    expect(lockContent().pid).toBe(child.pid);
    expect(lockHolder(dir)).toBe(child.pid);
    expectInUse(child.pid);
    // The refused attempt did not disturb the holder's lock file.
    expect(lockContent().pid).toBe(child.pid);
    expect(lockHolder(dir)).toBe(child.pid);
  });

  it("takes over the lock of a process killed with SIGKILL", async () => {
    const child = startFixture("hold-lock.ts", [dir]);
    await child.waitFor("locked");
    child.proc.kill("SIGKILL");
    expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
    // The stale file is still there, but nobody holds it.
    expect(lockContent().pid).toBe(child.pid);
    expect(lockHolder(dir)).toBeNull();
    const release = acquireLock(dir);
    expect(lockContent().pid).toBe(process.pid);
    release();
    expect(fs.existsSync(lockFileOf(dir))).toBe(false);
  });

  it("is freed when its holder releases it or exits normally", async () => {
    const releasing = startFixture("hold-lock.ts", [dir]);
    await releasing.waitFor("locked");
    releasing.send("release");
    expect((await releasing.exited).code).toBe(0);
    expect(releasing.output()).toContain("released");
    expect(fs.existsSync(lockFileOf(dir))).toBe(false);

    const exiting = startFixture("hold-lock.ts", [dir]);
    await exiting.waitFor("locked");
    expect(lockHolder(dir)).toBe(exiting.pid);
    exiting.send("exit");
    expect((await exiting.exited).code).toBe(0);
    expect(fs.existsSync(lockFileOf(dir))).toBe(false);
  });

  it("is refused to a second child while the first holds it", async () => {
    const first = startFixture("hold-lock.ts", [dir]);
    await first.waitFor("locked");
    const second = startFixture("hold-lock.ts", [dir]);
    expect((await second.exited).code).toBe(3);
    expect(second.output()).toContain(
      `failed DatabaseInUseError: The embedded database in ${dir} is in use by process ${first.pid}.`,
    );
    expect(lockHolder(dir)).toBe(first.pid);
  });

  it("takes over a lock file naming a dead process", () => {
    const pid = deadPid();
    for (const content of [{ pid, started: "12345" }, { pid }]) {
      fs.writeFileSync(lockFileOf(dir), JSON.stringify(content));
      expect(lockHolder(dir)).toBeNull();
      const release = acquireLock(dir);
      expect(lockContent().pid).toBe(process.pid);
      release();
    }
  });

  it("takes over a lock whose pid now belongs to another process (start time differs)", async () => {
    const child = startFixture("hold-lock.ts", [path.join(dir, "elsewhere")]);
    await child.waitFor("locked");
    const started = startTimeOf(child.pid);
    fs.writeFileSync(lockFileOf(dir), JSON.stringify({ pid: child.pid, started: String(Number(started) - 1) }));
    expect(lockHolder(dir)).toBeNull();
    const release = acquireLock(dir);
    expect(lockContent().pid).toBe(process.pid);
    release();

    // With the right start time, or none recorded, the same live pid is respected.
    for (const content of [{ pid: child.pid, started }, { pid: child.pid }]) {
      fs.writeFileSync(lockFileOf(dir), JSON.stringify(content));
      expect(lockHolder(dir)).toBe(child.pid);
      expectInUse(child.pid);
    }
  });

  it.each(["", "garbage", "{", "{}", '{"pid":"123"}', "null", "[1]", '{"started":"1"}'])(
    "takes over a lock file holding %j",
    (content) => {
      fs.writeFileSync(lockFileOf(dir), content);
      // An unreadable lock is left alone for a few seconds (it could be mid-write); an old one is stale.
      const old = new Date(Date.now() - 60_000);
      fs.utimesSync(lockFileOf(dir), old, old);
      expect(lockHolder(dir)).toBeNull();
      const release = acquireLock(dir);
      expect(lockContent()).toEqual({ pid: process.pid, started: startTimeOf(process.pid), token: expect.any(String) });
      release();
      expect(fs.existsSync(lockFileOf(dir))).toBe(false);
    },
  );

  it("release() leaves alone a lock file that is no longer its own", () => {
    const release = acquireLock(dir);
    const other = { pid: deadPid(), started: null };
    fs.writeFileSync(lockFileOf(dir), JSON.stringify(other));
    release();
    expect(lockContent()).toEqual(other);
  });
});
