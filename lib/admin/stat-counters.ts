import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { rowsOf } from "@/db/rows";

const HOUR_MS = 3_600_000;

/**
 * The whole-table counters kept by migration 0008's triggers: each total plus the deltas not yet
 * folded in, read in one statement (one snapshot), so a concurrent fold never counts twice.
 */
export async function readCounters(): Promise<Map<string, number>> {
  const rows = await getDb().execute(sql`
    select name, sum(value)::bigint as value
      from (select name, value from stat_totals union all select name, delta from stat_deltas) s
     group by name`);
  return new Map(rowsOf<{ name: string; value: string | number }>(rows).map((r) => [r.name, Number(r.value)]));
}

/**
 * Moves the deltas into the totals, so readers add up few rows. One statement: a delta is either
 * still in stat_deltas or already in stat_totals for every reader. Two folds at once never count a
 * delta twice (the second waits on the first's delete, then skips the rows it removed) and lock the
 * totals in the same order.
 */
export async function foldCounterDeltas(): Promise<void> {
  await getDb().execute(sql`
    with moved as (delete from stat_deltas returning name, delta)
    insert into stat_totals as t (name, value)
    select name, sum(delta) from moved group by name order by name
    on conflict (name) do update set value = t.value + excluded.value`);
}

/**
 * Messages sent at or after `since`: the whole hours from the per-hour counts, and the part of the
 * first hour from the messages themselves (an index range of at most one hour).
 */
export async function countMessagesSince(since: Date): Promise<number> {
  const firstWholeHour = new Date(Math.ceil(since.getTime() / HOUR_MS) * HOUR_MS);
  const rows = await getDb().execute(sql`
    select (select coalesce(sum(count), 0) from message_hour_counts where hour >= ${firstWholeHour.toISOString()}::timestamptz)
         + (select count(*) from messages where created_at >= ${since.toISOString()}::timestamptz and created_at < ${firstWholeHour.toISOString()}::timestamptz) as n`);
  return Number(rowsOf<{ n: string | number }>(rows)[0]?.n ?? 0);
}
