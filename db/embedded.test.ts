import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, inject, it, type TestContext } from "vitest";
import { killFixtures, startFixture, type Fixture } from "@/test/fixtures/child";
import { openPglite } from "./client";
import { DatabaseInUseError, lockFileOf, lockHolder } from "./lock";
import { users } from "./schema";

// Creating a PGlite folder (initdb) is the slow part: 5–15 s on two busy cores, against about 2 s
// to open an existing one. So the folder is made once here (from the run's migrated dump when
// the run uses PGlite, else from scratch), and every scenario starts from a copy of it; its
// children still run the migrations, which then find nothing to do.
const STARTUP_MS = 30_000;
const TEST = { timeout: 60_000 };

let template: string;
beforeAll(async () => {
  template = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-embedded-template-"));
  const dump = inject("pgliteTemplate");
  const handle = openPglite({ dataDir: template, loadDataDir: dump ? new Blob([fs.readFileSync(dump)]) : undefined });
  await handle.migrate();
  await handle.close();
}, 90_000);

afterAll(async () => {
  await killFixtures();
  if (template) fs.rmSync(template, { recursive: true, force: true });
});

/** A copy of the migrated folder and a way to start children, cleaned up when the test ends. */
function scenario({ onTestFinished }: TestContext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-embedded-"));
  fs.cpSync(template, dir, { recursive: true });
  const children: Fixture[] = [];
  onTestFinished(async () => {
    await Promise.all(children.map((c) => c.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    start(args: string[], env?: Partial<Record<string, string>>) {
      const child = startFixture("embedded.ts", args, env);
      children.push(child);
      return child;
    },
  };
}

/** Opens the folder in this process and lists the users' emails, then closes it again. */
async function emailsIn(dataDir: string): Promise<string[]> {
  const handle = openPglite({ dataDir });
  try {
    const rows = await handle.db.select({ email: users.email }).from(users).orderBy(asc(users.email));
    return rows.map((r) => r.email);
  } finally {
    await handle.close();
  }
}

describe("the embedded database across processes", () => {
  it("keeps a committed row when its process is killed with SIGKILL", TEST, async (ctx) => {
    const { expect } = ctx;
    const { dir, start } = scenario(ctx);
    const writer = start(["write", dir, "survivor@example.com"]);
    await writer.waitFor("written", STARTUP_MS);
    writer.proc.kill("SIGKILL");
    expect((await writer.exited).signal).toBe("SIGKILL");
    // The killed process could not clean up: its lock is left behind, but stale.
    expect(JSON.parse(fs.readFileSync(lockFileOf(dir), "utf8")).pid).toBe(writer.pid);
    expect(lockHolder(dir)).toBeNull();

    expect(await emailsIn(dir)).toEqual(["survivor@example.com"]);
    // Closing it here removed the lock this process took over.
    expect(fs.existsSync(lockFileOf(dir))).toBe(false);
  });

  it(
    "refuses a second process while the first holds the folder, and loses none of the first one's writes",
    TEST,
    async (ctx) => {
      const { expect } = ctx;
      const { dir, start } = scenario(ctx);
      const holder = start(["hold", dir]);
      await holder.waitFor("ready", STARTUP_MS);
      holder.send("insert before@example.com");
      await holder.waitFor("inserted before@example.com");

      // Another process (this one) through the function the app uses.
      let caught: unknown;
      try {
        openPglite({ dataDir: dir });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DatabaseInUseError);
      expect((caught as Error).message).toContain(`in use by process ${holder.pid}`);

      // And a separate child fails the same way, before touching the data.
      const intruder = start(["write", dir, "intruder@example.com"]);
      expect((await intruder.exited).code).toBe(3);
      expect(intruder.output()).toContain(
        `failed DatabaseInUseError: The embedded database in ${dir} is in use by process ${holder.pid}.`,
      );
      expect(intruder.output()).not.toContain("written");

      // The holder keeps working after the refused attempts, and all of it is kept.
      holder.send("insert after-1@example.com");
      holder.send("insert after-2@example.com");
      await holder.waitFor("inserted after-2@example.com");
      holder.send("close");
      expect((await holder.exited).code).toBe(0);
      expect(fs.existsSync(lockFileOf(dir))).toBe(false);

      expect(await emailsIn(dir)).toEqual(["after-1@example.com", "after-2@example.com", "before@example.com"]);
    },
  );

  it("closes the database and removes the lock on SIGTERM", TEST, async (ctx) => {
    const { expect } = ctx;
    const { dir, start } = scenario(ctx);
    const server = start(["served", "served@example.com"], { CAREBRIDGE_DATA_DIR: dir, AUTH_SECRET: "" });
    await server.waitFor("ready", STARTUP_MS);
    expect(server.output()).toContain("ready pglite");
    expect(lockHolder(dir)).toBe(server.pid);

    server.proc.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 143, signal: null });
    expect(server.output()).not.toContain("Error while closing the database");
    expect(fs.existsSync(lockFileOf(dir))).toBe(false);

    expect(await emailsIn(dir)).toEqual(["served@example.com"]);
  });
});
