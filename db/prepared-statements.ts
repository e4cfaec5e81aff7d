import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Database } from "./client";
import { getDb } from "./index";

/**
 * A query that runs on every request, built once per database handle instead of on each call.
 * Drizzle otherwise rebuilds the SQL text from its query builder every time (a tenth of a JSON
 * endpoint's CPU in a profile). Drizzle's `.prepare(name)` also turns on postgres.js's own
 * prepared statements (it names them itself, per connection; the name given only switches them
 * on, and PGlite ignores it): parsed once per connection, then only the parameters travel. Values
 * go in as `sql.placeholder(name)` and come at `execute({ name: value })`.
 *
 * PostgreSQL may then run such a statement with a generic plan (one for any parameters) instead of
 * planning it for each call: bench/plans.ts checks those plans too.
 *
 * Kept per handle (a WeakMap), because tests and benchmarks switch the app's database.
 */
export function preparedQuery<Q extends { getQuery(): { sql: string } }>(build: (db: Database) => Q): () => Q {
  const built = new WeakMap<Database, Q>();
  return () => {
    const db = getDb();
    let query = built.get(db);
    if (query === undefined) {
      query = build(db);
      built.set(db, query);
      preparedSql.add(query.getQuery().sql);
    }
    return query;
  };
}

const preparedSql = new Set<string>();

/** Whether this SQL text runs as a prepared statement (one built by `preparedQuery`). */
export function isPreparedSql(sql: string): boolean {
  return preparedSql.has(sql);
}

const dialect = new PgDialect();

/**
 * Raw SQL (a query the builder cannot express) run as a prepared statement, as `preparedQuery`
 * does for built ones: PostgreSQL plans it once per connection and shape instead of on every call.
 * Values must be parameters, not spliced text, so that each shape is one statement.
 */
export async function executePrepared(db: Database, name: string, query: SQL): Promise<unknown> {
  const built = dialect.sqlToQuery(query);
  preparedSql.add(built.sql);
  return db._.session.prepareQuery(built, undefined, name, false).execute();
}
