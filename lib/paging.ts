import "server-only";
import { count, type Subquery } from "drizzle-orm";
import { getDb } from "@/db";

export const ADMIN_PAGE_SIZE = 20;
/**
 * A list's total is counted up to this many pages past the one shown, not to the end: counting
 * 100 000 appointments or audit events costs more than the page itself. Beyond it the total is
 * a lower bound ("more than 220"), as in mail clients and search engines.
 */
const COUNT_AHEAD_PAGES = 10;

export interface Page<T> {
  rows: T[];
  /** Every match, or the number counted when `more` says there are more. */
  total: number;
  /** The count stopped before the last match. */
  more: boolean;
  page: number;
  pageCount: number;
}

/** How many matches to count for this page: one more than the cap tells whether there are more. */
const countLimit = (page: number) => (page + COUNT_AHEAD_PAGES) * ADMIN_PAGE_SIZE + 1;

export function pageOf<T>(rows: T[], counted: number, page: number, exact = false): Page<T> {
  const more = !exact && counted >= countLimit(page);
  const total = more ? counted - 1 : counted;
  return { rows, total, more, page, pageCount: Math.max(1, Math.ceil(total / ADMIN_PAGE_SIZE)) };
}

/**
 * count(*) of a query's rows, stopping at this page's count limit. Given the list's own order, the
 * planner reads the list's index for the first rows rather than the table.
 */
export function countUpTo(query: { limit: (n: number) => { as: (alias: string) => Subquery } }, page: number) {
  return getDb()
    .select({ n: count() })
    .from(query.limit(countLimit(page)).as("counted"));
}

/** A LIKE pattern matching any text that contains `text` literally (its % and _ escaped). */
export const likeOf = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
