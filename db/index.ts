import { dataDir, readEnv } from "@/lib/env";
import { openPglite, openPostgres, type Database, type DatabaseHandle } from "./client";

export type { Database, DatabaseHandle };

declare global {
  // One handle per process: route handlers, pages and instrumentation are separate bundles,
  // and a second PGlite on the same folder would corrupt it.
  var __carebridgeDb: DatabaseHandle | undefined;
}

export function databaseHandle(): DatabaseHandle {
  if (!globalThis.__carebridgeDb) {
    const env = readEnv();
    globalThis.__carebridgeDb = env.DATABASE_URL
      ? openPostgres(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE })
      : openPglite({ dataDir: dataDir(env) });
  }
  return globalThis.__carebridgeDb;
}

export function getDb(): Database {
  return databaseHandle().db;
}

export async function closeDatabase(): Promise<void> {
  const handle = globalThis.__carebridgeDb;
  globalThis.__carebridgeDb = undefined;
  await handle?.close();
}
