import { count, sql } from "drizzle-orm";
import { databaseHandle } from "./index";
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
