import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { rowsOf } from "@/db/rows";

/**
 * A word found in at least this share of all messages narrows nothing in the index and costs the
 * most there: the search index keeps, per word, the list of every message holding it, and the scan
 * walks that whole list (at 2 M messages about 8 ms for each word found in every message). Such
 * words are checked on the person's candidates instead.
 */
export const COMMON_WORD_SHARE = 0.1;
/** How long a process trusts the word shares it read (they change only as ANALYZE runs). */
const SHARES_TTL_MS = 10 * 60_000;

export interface QueryWord {
  /** The word as tsquery text. */
  query: string;
  /** Its lexeme, as the statistics name it. */
  lexeme: string;
}

/**
 * Which words go to the index scan and which are checked on what it finds. Every word is required
 * either way, so the results are the same; only the work differs. A word not among the statistics'
 * most common ones is rarer than all of them. When every word is common, the rarest one is scanned.
 */
export function splitByShare(
  words: QueryWord[],
  shares: ReadonlyMap<string, number>,
): { indexed: string[]; checked: string[] } {
  const share = (w: QueryWord) => shares.get(w.lexeme) ?? 0;
  const rare = words.filter((w) => share(w) < COMMON_WORD_SHARE);
  if (rare.length > 0 || words.length === 0)
    return { indexed: rare.map((w) => w.query), checked: words.filter((w) => !rare.includes(w)).map((w) => w.query) };
  const rarest = words.reduce((a, b) => (share(b) < share(a) ? b : a));
  return { indexed: [rarest.query], checked: words.filter((w) => w !== rarest).map((w) => w.query) };
}

const commonOf = new WeakMap<ReadonlyMap<string, number>, string[]>();

/** The lexemes at least COMMON_WORD_SHARE of messages hold (splitByShare checks them rather than scanning). */
export function commonLexemes(shares: ReadonlyMap<string, number>): string[] {
  let common = commonOf.get(shares);
  if (!common) {
    common = [...shares].filter(([, share]) => share >= COMMON_WORD_SHARE).map(([lexeme]) => lexeme);
    commonOf.set(shares, common);
  }
  return common;
}

/**
 * How common a prefix is, as far as the statistics tell: the shares of the most common words it
 * begins, added up (at most 1). The prefix comes as tsquery text, "'ro':*".
 */
export function prefixShare(prefix: string, shares: ReadonlyMap<string, number>): number {
  const lexeme = /^'(.*)':\*$/.exec(prefix)?.[1]?.replace(/''/g, "'");
  if (!lexeme) return 0;
  let sum = 0;
  for (const [word, share] of shares) if (word.startsWith(lexeme)) sum += share;
  return Math.min(1, sum);
}

/**
 * A prefix this rare (its words' shares added up) is scanned rather than a common whole word: its
 * index entries are few, while a common word's hand over most of the person's messages (typing
 * "the lisinopr": every message of theirs with "the", to be sorted by time and checked). A commoner
 * prefix ("12", a number's first digits) may gather tens of thousands of rows of the whole table.
 */
export const RARE_PREFIX_SHARE = 0.01;

export interface SearchPlan {
  /** The tsquery parts the index scans (all required). */
  indexed: string[];
  /** The parts checked on what it finds. */
  checked: string[];
  /**
   * Every whole word common (or, typed alone, the prefix): the person's newest messages are read
   * first, where matches are likely, before the index hands over a large share of all of theirs.
   */
  newestFirst: boolean;
}

/** How a search runs: the words the index scans, those checked after, and whether it reads the newest first. */
export function planSearch(words: QueryWord[], prefix: string | null, shares: ReadonlyMap<string, number>): SearchPlan {
  if (words.length === 0)
    return {
      indexed: prefix ? [prefix] : [],
      checked: [],
      newestFirst: prefix !== null && prefixShare(prefix, shares) >= COMMON_WORD_SHARE,
    };
  const everyWordCommon = words.every((w) => (shares.get(w.lexeme) ?? 0) >= COMMON_WORD_SHARE);
  if (everyWordCommon && prefix && prefixShare(prefix, shares) < RARE_PREFIX_SHARE)
    return { indexed: [prefix], checked: words.map((w) => w.query), newestFirst: false };
  const { indexed, checked } = splitByShare(words, shares);
  return { indexed, checked: [...checked, ...(prefix ? [prefix] : [])], newestFirst: everyWordCommon };
}

const cache = new Map<string, { readAt: number; shares: Map<string, number> }>();

/**
 * The share of messages holding each of the most common words, as PostgreSQL's statistics of the
 * search index for this language have them (empty before the first ANALYZE).
 */
export async function wordShares(language: string): Promise<ReadonlyMap<string, number>> {
  const cached = cache.get(language);
  if (cached && Date.now() - cached.readAt < SHARES_TTL_MS) return cached.shares;
  const rows = rowsOf<{ lexeme: string; share: number }>(
    await getDb().execute(sql`
      select e.lexeme, e.share
        from pg_stats s
        cross join lateral unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as e(lexeme, share)
       where s.tablename = ${`messages_member_${language}_search_idx`} and e.lexeme is not null`),
  );
  const shares = new Map(rows.map((r) => [r.lexeme, Number(r.share)]));
  cache.set(language, { readAt: Date.now(), shares });
  return shares;
}

/** Tests: read the shares again on the next search (after an ANALYZE). */
export function forgetWordShares(): void {
  cache.clear();
}
