import fs from "node:fs";
import crypto from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { openPglite, openPostgres, type DatabaseHandle } from "@/db/client";
import { stopJobQueue } from "@/lib/jobs/queue";
import { withDatabase } from "./database-url";

/** Opens a fresh, migrated database for one test file: the server in TEST_DATABASE_URL or PGlite. */
export async function openTestDatabase(): Promise<{ handle: DatabaseHandle; dispose: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `carebridge_t_${crypto.randomBytes(6).toString("hex")}`;
    const admin = openPostgres(url, { max: 1 });
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.sql!.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject("postgresTemplate")}`);
        break;
      } catch (error) {
        // Two files copying the template at the same instant may collide; try again.
        if (attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    const handle = openPostgres(withDatabase(url, name), { max: 20 });
    return {
      handle,
      async dispose() {
        await handle.close();
        await admin.sql!.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.close();
      },
    };
  }
  const template = inject("pgliteTemplate");
  const handle = openPglite({ loadDataDir: new Blob([fs.readFileSync(template)]) });
  return { handle, dispose: () => handle.close() };
}

/**
 * Gives this test file its own database and makes it the app's database (`getDb()`), so the
 * domain modules under test run their real SQL against it.
 */
export function setupTestDatabase(): { readonly handle: DatabaseHandle } {
  const state: { handle?: DatabaseHandle; dispose?: () => Promise<void> } = {};
  beforeAll(async () => {
    const opened = await openTestDatabase();
    state.handle = opened.handle;
    state.dispose = opened.dispose;
    globalThis.__carebridgeDb = opened.handle;
  });
  afterAll(async () => {
    await stopJobQueue();
    globalThis.__carebridgeDb = undefined;
    await state.dispose?.();
  });
  return {
    get handle() {
      if (!state.handle) throw new Error("the test database is opened in beforeAll");
      return state.handle;
    },
  };
}
