import { count, sql } from "drizzle-orm";
import { EXIT_ON_SIGNAL } from "@/scripts/exit-codes";
import { tellPrimaryServing } from "@/scripts/serving-signal";
import { failureMessage } from "./failure-message";
import { closeDatabase, databaseHandle } from "./index";
import { seedDemoData } from "./seed";
import { users } from "./schema";

/**
 * Readies the database for serving. The embedded database is migrated and, on its first start,
 * filled with demo data; a PostgreSQL server is only checked (migrations and demo data are
 * explicit steps there: npm run db:migrate, npm run db:seed).
 */
export async function prepareDatabase(log: (line: string) => void = console.log): Promise<void> {
  const handle = databaseHandle();
  if (handle.kind !== "pglite") {
    // Unreachable or refusing us: said once at start, rather than by every page.
    await handle.db.execute(sql`select 1`);
    return;
  }
  const started = Date.now();
  await handle.migrate();
  const [row] = await handle.db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) === 0) {
    await seedDemoData(handle.db);
    log(`Embedded database created and demo data loaded in ${Date.now() - started} ms.`);
  }
}

let closing = false;

/** Closes the database cleanly on Ctrl+C or SIGTERM, then exits. */
export function closeDatabaseOnSignals(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // `on`, not `once`: Ctrl+C reaches both npm's wrapper and the server, and a second signal
    // must not kill the process before the database is closed.
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      // A close that hangs must not leave the process unkillable by Ctrl+C.
      setTimeout(() => process.exit(1), 5_000).unref();
      closeDatabase()
        .catch((error: unknown) => console.error("Error while closing the database:", error))
        .finally(() => process.exit(EXIT_ON_SIGNAL[signal]));
    });
  }
}

/** For the server's start: prepare, or say in one line why not and stop. */
export async function prepareDatabaseOrExit(): Promise<void> {
  closeDatabaseOnSignals();
  try {
    await prepareDatabase();
    tellPrimaryServing();
  } catch (error) {
    // A database in use by another process, a bad environment or an unreachable server:
    // one clear line and stop, rather than serve pages that all fail.
    console.error(`\nCarebridge cannot start: ${failureMessage(error)}\n`);
    process.exit(1);
  }
}
