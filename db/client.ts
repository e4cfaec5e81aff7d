import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { acquireLock } from "./lock";
import * as schema from "./schema";

declare global {
  /** Statements sent by this process, counted only with CAREBRIDGE_COUNT_QUERIES=1 (benchmarks). */
  var __carebridgeQueryCount: number | undefined;
}

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  kind: "pglite" | "postgres";
  db: Database;
  migrate(): Promise<void>;
  /** Closes what `onClose` was given, then the database. */
  close(): Promise<void>;
  /** Something that lives as long as this handle (a listener's own connection): stopped by `close`. */
  onClose(stop: () => Promise<void>): void;
  /** The raw postgres.js client (server mode only): LISTEN/NOTIFY and other driver features. */
  sql?: postgres.Sql;
  /** The server's address (server mode only): the job queue opens its own small pool to it. */
  url?: string;
  pglite?: PGlite;
}

export const migrationsFolder = () => path.join(process.cwd(), "db/migrations");

function closeHooks() {
  const hooks: (() => Promise<void>)[] = [];
  return {
    onClose: (stop: () => Promise<void>) => void hooks.push(stop),
    runHooks: async () => void (await Promise.allSettled(hooks.splice(0).map((stop) => stop()))),
  };
}

/** An embedded database: in `dataDir` (locked for this process) or, without one, in memory. */
export function openPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): DatabaseHandle {
  const release = options.dataDir ? acquireLock(options.dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = new PGlite({
      dataDir: options.dataDir ? path.join(options.dataDir, "pglite") : undefined,
      loadDataDir: options.loadDataDir,
      // Migration 0008 creates pg_trgm (admin search); PGlite loads it only when asked to.
      extensions: { pg_trgm },
    });
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client: pglite, schema });
  const hooks = closeHooks();
  return {
    kind: "pglite",
    db,
    pglite,
    migrate: () => migratePglite(db, { migrationsFolder: migrationsFolder() }),
    onClose: hooks.onClose,
    async close() {
      try {
        await hooks.runHooks();
        if (!pglite.closed) await pglite.close();
      } finally {
        release();
      }
    },
  };
}

export function openPostgres(
  url: string,
  options: { max?: number; /** Called for each statement sent (tests count round trips). */ onQuery?: () => void } = {},
): DatabaseHandle {
  // CAREBRIDGE_COUNT_QUERIES=1, set only by the benchmarks: every statement this process sends is
  // counted (GET /api/health reports it with CAREBRIDGE_METRICS=1), for round trips per send.
  const counting = process.env.CAREBRIDGE_COUNT_QUERIES === "1";
  const onQuery = counting
    ? () => {
        globalThis.__carebridgeQueryCount = (globalThis.__carebridgeQueryCount ?? 0) + 1;
        options.onQuery?.();
      }
    : options.onQuery;
  const sql = postgres(url, {
    max: options.max ?? 10,
    ...(onQuery ? { debug: onQuery } : {}),
    // Seconds between a failed connection and the next attempt. postgres.js's default grows to
    // 20 s, and queries queue behind it: while the server is down pages hang instead of failing,
    // and once it is back the app (and the LISTEN connection, which shares this) stays away.
    backoff: () => 0.1,
    // Seconds a connection may take to open (default 30): a server that accepts but does not
    // answer, as one that is shutting down can, would hold every request that long.
    connect_timeout: 5,
    onnotice: () => {},
    // Short OLTP queries: JIT compilation and parallel workers cost more than they save (the
    // 2 000-room conversation list spent 17 ms compiling), so both are off for the app's sessions.
    connection: { application_name: "carebridge", jit: "off", max_parallel_workers_per_gather: "0" },
  });
  const db = drizzlePostgres({ client: sql, schema });
  const hooks = closeHooks();
  return {
    kind: "postgres",
    db,
    sql,
    url,
    migrate: () => migratePostgres(db, { migrationsFolder: migrationsFolder() }),
    onClose: hooks.onClose,
    async close() {
      await hooks.runHooks();
      await sql.end({ timeout: 5 });
    },
  };
}
