/**
 * The SQL a lib/ function runs, captured with a logging Drizzle handle on the same connection,
 * and its EXPLAIN plan: which tables are read by a sequential scan.
 */
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { Logger } from "drizzle-orm/logger";
import { openPostgres, type DatabaseHandle } from "@/db/client";
import { isPreparedSql } from "@/db/prepared-statements";
import * as schema from "@/db/schema";

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/** Tables that must never be read whole: they grow with every appointment, message and audited act. */
export const LARGE_TABLES = ["messages", "appointments", "room_members", "audit_events"] as const;

/** The same database as `handle`, with every query it runs recorded until `take()`. */
export function capturingHandle(handle: DatabaseHandle): { handle: DatabaseHandle; take: () => CapturedQuery[] } {
  let captured: CapturedQuery[] = [];
  const logger: Logger = { logQuery: (sql, params) => void captured.push({ sql, params }) };
  let db: DatabaseHandle["db"];
  if (handle.sql) db = drizzlePostgres({ client: handle.sql, schema, logger });
  else if (handle.pglite) db = drizzlePglite({ client: handle.pglite, schema, logger });
  else throw new Error("a handle with neither a postgres.js client nor PGlite");
  return {
    handle: { ...handle, db },
    take() {
      const out = captured;
      captured = [];
      return out;
    },
  };
}

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** The plan PostgreSQL would run for a captured query (EXPLAIN, FORMAT JSON; not executed). */
export async function explain(handle: DatabaseHandle, query: CapturedQuery): Promise<PlanNode> {
  const text = `explain (format json) ${query.sql}`;
  let value: unknown;
  if (handle.sql) {
    const rows = await handle.sql.unsafe(text, query.params as never[]);
    value = rows[0]?.["QUERY PLAN"];
  } else if (handle.pglite) {
    const result = await handle.pglite.query<Record<string, unknown>>(text, query.params as unknown[]);
    value = result.rows[0]?.["QUERY PLAN"];
  }
  const parsed = typeof value === "string" ? JSON.parse(value) : value;
  const plan = (parsed as { Plan: PlanNode }[] | undefined)?.[0]?.Plan;
  if (!plan) throw new Error(`no plan for: ${query.sql}`);
  return plan;
}

/**
 * Every table and bitmap index scan in the plan, as "Seq Scan on messages", "Index Only Scan on
 * messages (messages_pkey)" or "Bitmap Index Scan (messages_member_simple_search_idx)".
 */
export function scansOf(plan: PlanNode): string[] {
  const out: string[] = [];
  const walk = (node: PlanNode) => {
    if (node["Node Type"] === "Bitmap Index Scan" && node["Index Name"]) {
      out.push(`Bitmap Index Scan (${node["Index Name"]})`);
    } else if (node["Relation Name"]) {
      out.push(
        `${node["Node Type"]} on ${node["Relation Name"]}${node["Index Name"] ? ` (${node["Index Name"]})` : ""}`,
      );
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return out;
}

/** The sequential scans of large tables in these scans. */
export function forbiddenScans(scans: string[]): string[] {
  return scans.filter((s) => LARGE_TABLES.some((t) => s === `Seq Scan on ${t}`));
}

/**
 * The generic plan PostgreSQL may settle on for a prepared statement (one plan for any
 * parameters, used once it seems no worse than planning each call): PREPARE, then EXPLAIN EXECUTE
 * under `plan_cache_mode = force_generic_plan`, on one connection, which is left as it was found
 * (the statement deallocated, the setting reset) even when the EXPLAIN fails. EXPLAIN EXECUTE takes
 * no bound parameters, so they are written as literals of the types PostgreSQL inferred: enough for
 * the test's and benchmark's own values (uuids, numbers, text, arrays of them), not for dates or JSON.
 */
export async function explainGeneric(handle: DatabaseHandle, query: CapturedQuery): Promise<PlanNode> {
  const name = "carebridge_plan_check";
  // An array as PostgreSQL's array text, each element quoted: {"1","2"}.
  const text = (value: unknown): string =>
    Array.isArray(value)
      ? `{${value.map((v) => `"${String(v).replace(/(["\\])/g, "\\$1")}"`).join(",")}}`
      : String(value);
  const literal = (value: unknown, type: string) =>
    value === null || value === undefined ? `null::${type}` : `'${text(value).replace(/'/g, "''")}'::${type}`;
  const session = handle.sql ? await handle.sql.reserve() : null;
  const run = async (statement: string): Promise<Record<string, unknown>[]> => {
    if (session) return session.unsafe(statement);
    if (handle.pglite) return (await handle.pglite.query<Record<string, unknown>>(statement)).rows;
    throw new Error("a handle with neither a postgres.js client nor PGlite");
  };
  let value: unknown;
  try {
    await run("set plan_cache_mode = force_generic_plan");
    await run(`prepare ${name} as ${query.sql}`);
    try {
      const [row] = await run(
        `select parameter_types::text[] as types from pg_prepared_statements where name = '${name}'`,
      );
      const types = (row?.types ?? []) as string[];
      const args = types.length ? `(${types.map((t, i) => literal(query.params[i], t)).join(", ")})` : "";
      const [plan] = await run(`explain (format json) execute ${name}${args}`);
      value = plan?.["QUERY PLAN"];
    } finally {
      await run(`deallocate ${name}`);
    }
  } finally {
    await run("reset plan_cache_mode").finally(() => session?.release());
  }
  const parsed = typeof value === "string" ? JSON.parse(value) : value;
  const plan = (parsed as { Plan: PlanNode }[] | undefined)?.[0]?.Plan;
  if (!plan) throw new Error(`no generic plan for: ${query.sql}`);
  return plan;
}

/**
 * Runs `run` on a capturing copy of `handle` (made the app's database meanwhile) and explains what
 * it ran; for prepared statements, `genericScans` are the scans of their generic plans.
 */
export async function planOf(
  handle: DatabaseHandle,
  run: () => Promise<unknown>,
): Promise<{ queries: number; scans: string[]; genericScans: string[] }> {
  const capture = capturingHandle(handle);
  const previous = globalThis.__carebridgeDb;
  globalThis.__carebridgeDb = capture.handle;
  try {
    await run();
  } finally {
    globalThis.__carebridgeDb = previous;
  }
  const captured = capture.take();
  const scans: string[] = [];
  const genericScans: string[] = [];
  for (const query of captured) {
    scans.push(...scansOf(await explain(handle, query)));
    if (isPreparedSql(query.sql)) genericScans.push(...scansOf(await explainGeneric(handle, query)));
  }
  return { queries: captured.length, scans, genericScans };
}

/**
 * The prepared statements PostgreSQL still plans on every call after `rounds` runs of each query,
 * all on one connection (its statements are per connection): it keeps a custom plan while the
 * generic one looks dearer, which for a statement run on every page can cost more than running it.
 * Null on PGlite, whose statements are not named.
 */
export async function replannedStatements(
  handle: DatabaseHandle,
  runs: (() => Promise<unknown>)[],
  rounds: number,
): Promise<{ statements: number; replanned: string[] } | null> {
  if (!handle.url) return null;
  const single = openPostgres(handle.url, { max: 1 });
  const previous = globalThis.__carebridgeDb;
  globalThis.__carebridgeDb = single;
  try {
    for (let round = 0; round < rounds; round++) for (const run of runs) await run();
    const rows = await single.sql!.unsafe<{ statement: string; custom_plans: string }[]>(
      "select statement, custom_plans from pg_prepared_statements",
    );
    return {
      statements: rows.length,
      // PostgreSQL plans the first five calls for their parameters whatever it settles on.
      replanned: rows
        .filter((r) => Number(r.custom_plans) > 5)
        .map((r) => `${r.statement.replace(/\s+/g, " ").trim().slice(0, 160)} (${r.custom_plans} planned)`),
    };
  } finally {
    globalThis.__carebridgeDb = previous;
    await single.close();
  }
}
