import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { executePrepared } from "@/db/prepared-statements";
import { rowsOf } from "@/db/rows";
import { readEnv } from "@/lib/env";
import { displayName } from "@/lib/shared/display-name";
import { commonLexemes, planSearch, wordShares, type QueryWord } from "./search-words";

/**
 * Message search: PostgreSQL full-text search over the caller's own rooms only (messages whose
 * room's members include the caller, and each hit joined to the caller's membership once more, so
 * an admin, who is a member of none, finds nothing), with the configuration of
 * SEARCH_LANGUAGE (each has its GIN index of the room's members and the words) and prefix matching
 * on the last word, so "blood pres" finds "blood pressure" while it is being typed. Newest first.
 */

export const SEARCH_LIMIT = 20;
export const SEARCH_WORDS_MAX = 8;
/**
 * How many of the person's newest messages are read, in turn, when every word is common: the first
 * holds a page when one in ten matches, and a miss costs about 2.5 ms before the index (at 2 M
 * messages, checking a message's words costs about 10 µs); the second, read only when the first
 * found at least WIDEN_FROM_HITS, holds a page when one in a hundred matches.
 */
export const NEWEST_FIRST_WINDOWS = [200, 2000] as const;
const WIDEN_FROM_HITS = 2;
/** As SQL text: it shapes the plan, so it is not a parameter. */
const LIMIT = sql.raw(String(SEARCH_LIMIT));
/** Wrapped around each matching word by ts_headline: control characters, which no stored message holds. */
export const MARK_START = "\u0001";
export const MARK_END = "\u0002";

export interface SearchHit {
  roomId: string;
  seq: number;
  createdAt: Date;
  otherName: string;
  /** An excerpt with the matching words between MARK_START and MARK_END; everything else is plain text. */
  excerpt: string;
}

/**
 * What the person typed as tsquery text: words of letters and digits only (anything else is a
 * separator, so no operator of the tsquery syntax gets through), all required, the last a prefix
 * ("blood pres" finds "blood pressure" while it is being typed). Null when nothing searchable is left.
 */
export function searchTerms(text: string): { words: string | null; wordList: string[]; prefix: string } | null {
  const words =
    text
      .normalize("NFC")
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, SEARCH_WORDS_MAX) ?? [];
  if (words.length === 0) return null;
  const wordList = words.slice(0, -1);
  return { words: wordList.length > 0 ? wordList.join(" & ") : null, wordList, prefix: `${words.at(-1)}:*` };
}

/** The whole query as one tsquery text (the excerpt marks every word of it). */
export function toPrefixQuery(text: string): string | null {
  const terms = searchTerms(text);
  if (!terms) return null;
  return terms.words ? `${terms.words} & ${terms.prefix}` : terms.prefix;
}

/**
 * The index (migration 0016) holds each message's words and its room's two members, so "my
 * messages with these words" is one GIN scan that never touches another person's rows. Which words
 * it scans and which are checked on what it finds is planSearch's choice (lib/chat/search-words.ts):
 * words in a large share of all messages and the last word's prefix are checked (a prefix in GIN
 * first collects every row of the whole table with it), unless nothing rarer is left. When every
 * whole word is that common, the index would hand over a large share of the person's messages to be
 * sorted by time, so their newest ones are read first (migration 0017's indexes), where a page of
 * matches is likely found within a few dozen. The usual search, with a whole word that is not
 * common, is one statement: the words are parsed where they are searched (rareWordHits).
 */
export async function searchMessages(input: { userId: string; text: string }): Promise<SearchHit[]> {
  const terms = searchTerms(input.text);
  if (!terms) return [];
  const language = readEnv().SEARCH_LANGUAGE;
  const config = sql.raw(`'${language}'::regconfig`);
  const db = getDb();
  const shares = await wordShares(language);

  // A whole word that is not common is scanned, so the parse and the search can be one statement.
  const oneTrip = await rareWordHits(
    { db, userId: input.userId, config },
    terms,
    JSON.stringify(commonLexemes(shares)),
  );
  if (oneTrip.hits) return oneTrip.hits;

  const { words: typedWords, prefix } = oneTrip.parsed;
  const plan = planSearch(typedWords, prefix, shares);
  if (plan.indexed.length === 0) return [];
  const indexed = plan.indexed.join(" & ");
  const checkedAfter = plan.checked.length > 0 ? plan.checked.join(" & ") : null;
  // One parameter whatever the number of words, so each shape of the search is one statement.
  const everything = [indexed, ...plan.checked].map((q) => `(${q})`).join(" & ");
  const search: SearchInput = { db, userId: input.userId, config, everything: sql`${everything}::tsquery` };

  // Every word common: the person's newest messages first. A window that yields a page, or holds
  // all their messages, is the answer (no match can be newer); one that found a few matches is
  // widened once; otherwise the index finds them. The hits are the same whichever answers.
  if (plan.newestFirst) {
    for (const window of NEWEST_FIRST_WINDOWS) {
      const { hits, read } = await newestHits(search, window);
      if (hits.length === SEARCH_LIMIT || read < window) return hits;
      if (hits.length < WIDEN_FROM_HITS) break;
    }
  }
  return indexHits(search, indexed, checkedAfter);
}

interface SearchInput {
  db: Database;
  userId: string;
  config: SQL;
  /** Every word, as one tsquery. */
  everything: SQL;
}

type HitRow = {
  room_id: string;
  seq: number;
  created_at: Date | string;
  other_name: string;
  other_role: "patient" | "doctor" | "admin";
  excerpt: string;
};

type ParsedRow = { unplanned: boolean; words: string[] | null; lexemes: string[] | null; prefix: string | null };

/**
 * The words parsed and, when one of the whole words is not common, searched in the same statement:
 * the words not common are scanned and the rest (with the prefix) checked, as planSearch would split
 * them (the common lexemes go in as a parameter). Otherwise (every whole word common, or only a
 * prefix typed) nothing is scanned, and the parse comes back for planSearch to choose.
 */
async function rareWordHits(
  search: Omit<SearchInput, "everything">,
  terms: NonNullable<ReturnType<typeof searchTerms>>,
  /** The common lexemes, as a JSON array. */
  common: string,
): Promise<
  { hits: SearchHit[]; parsed?: never } | { hits?: never; parsed: { words: QueryWord[]; prefix: string | null } }
> {
  const { db, userId, config } = search;
  const query = (part: "indexed" | "checked" | "everything") => sql`(select q.${sql.raw(part)} from query q)`;
  const rows = rowsOf<Partial<HitRow> & ParsedRow>(
    await executePrepared(
      db,
      "search_one_trip",
      sql`
      with typed as (
        select t.i, to_tsquery(${config}, t.word) as q,
               coalesce((tsvector_to_array(to_tsvector(${config}, t.word)))[1], '') as lexeme
          from unnest(string_to_array(${terms.wordList.join(" ")}, ' ')) with ordinality t(word, i)
      ),
      -- A stop word parses to nothing and is left out.
      words as (select i, q::text as q, lexeme, lexeme in (select jsonb_array_elements_text(${common}::jsonb)) as common from typed where numnode(q) > 0),
      parts as (
        select (select string_agg('(' || q || ')', ' & ' order by i) from words where not common) as rare,
               (select string_agg('(' || q || ')', ' & ' order by i) from words where common) as common,
               nullif(to_tsquery(${config}, ${terms.prefix})::text, '') as prefix,
               (select array_agg(q order by i) from words) as words,
               (select array_agg(lexeme order by i) from words) as lexemes
      ),
      query as (
        select rare::tsquery as indexed,
               nullif(concat_ws(' & ', common, '(' || prefix || ')'), '')::tsquery as checked,
               concat_ws(' & ', '(' || rare || ')', common, '(' || prefix || ')')::tsquery as everything
          from parts
      ),
      candidates as (
        select m.room_id, m.seq, m.created_at, m.body
        from messages m
        where m.member_ids @> array[${userId}::uuid]
          -- No rare word: null, and the index scan ends at once.
          and to_tsvector(${config}, m.body) @@ ${query("indexed")}
        order by m.created_at desc
        offset 0
      ),
      hits as (
        select c.room_id, c.seq, c.created_at, c.body
        from candidates c
        where ${query("checked")} is null or to_tsvector(${config}, c.body) @@ ${query("checked")}
        order by c.created_at desc
        limit ${LIMIT}
      )
      select p.rare is null as unplanned,
             case when p.rare is null then p.words end as words,
             case when p.rare is null then p.lexemes end as lexemes,
             case when p.rare is null then p.prefix end as prefix,
             found.*
      from parts p
      left join (${presented({ userId, config, everything: query("everything") })}) found on true
      order by found.created_at desc`,
    ),
  );
  const first = rows[0];
  if (!first?.unplanned) return { hits: rows.filter((r) => r.room_id != null).map((r) => toHit(r as HitRow)) };
  const lexemes = first.lexemes ?? [];
  return {
    parsed: {
      words: (first.words ?? []).map((query, i) => ({ query, lexeme: lexemes[i] ?? "" })),
      prefix: first.prefix,
    },
  };
}

/**
 * The newest `window` of the person's messages (two index ranges, one per place in member_ids,
 * merged by time) checked against every word, newest first, stopping at a page of hits; with how
 * many of their messages the window held when it found fewer.
 */
async function newestHits(search: SearchInput, window: number): Promise<{ hits: SearchHit[]; read: number }> {
  const { db, userId, config } = search;
  const size = sql.raw(String(window));
  // The person as a sub-select, so the planner never sees who it is: its plan is the same for
  // anyone (the newest rows of two index ranges), and with no estimate of their message count
  // to tip it, PostgreSQL keeps the statement's generic plan. Given the id, it planned the
  // statement on every call for a person with many messages (about half its time in the bench).
  const me = sql`(select ${userId}::uuid)`;
  const newest = sql`(
          select mine.* from (
            (select m.room_id, m.seq, m.created_at, m.body from messages m
              where m.member_ids[1] = ${me} order by m.created_at desc limit ${size})
            union all
            (select m.room_id, m.seq, m.created_at, m.body from messages m
              where m.member_ids[2] = ${me} order by m.created_at desc limit ${size})
          ) mine
          order by mine.created_at desc
          limit ${size}
        )`;
  const rows = rowsOf<HitRow & { read: number | null }>(
    await executePrepared(
      db,
      `search_newest_${window}`,
      sql`
      with hits as (
        select r.room_id, r.seq, r.created_at, r.body
        from ${newest} r
        where to_tsvector(${config}, r.body) @@ ${search.everything}
        order by r.created_at desc
        limit ${LIMIT}
      ),
      -- Counted only when the window yielded less than a page.
      window_read as (
        select case when (select count(*) from hits) < ${LIMIT}
          then (select count(*) from ${newest} w) end as read
      )
      select window_read.read, found.*
      from window_read
      left join (${presented(search)}) found on true
      order by found.created_at desc`,
    ),
  );
  const read = rows[0]?.read;
  return {
    hits: rows.filter((r) => r.room_id !== null).map(toHit),
    read: read === null || read === undefined ? window : Number(read),
  };
}

/**
 * The index scan: the person's messages with the scanned words, sorted by time, checked against
 * the others until a page is found.
 */
async function indexHits(search: SearchInput, indexed: string, checkedAfter: string | null): Promise<SearchHit[]> {
  const { db, userId, config } = search;
  const rows = rowsOf<HitRow>(
    await executePrepared(
      db,
      checkedAfter ? "search_checked" : "search",
      sql`
      with candidates as (
        select m.room_id, m.seq, m.created_at, m.body
        from messages m
        where m.member_ids @> array[${userId}::uuid]
          and to_tsvector(${config}, m.body) @@ ${indexed}::tsquery
        order by m.created_at desc
        offset 0
      ),
      hits as (
        select c.room_id, c.seq, c.created_at, c.body
        from candidates c
        ${checkedAfter ? sql`where to_tsvector(${config}, c.body) @@ ${checkedAfter}::tsquery` : sql``}
        order by c.created_at desc
        limit ${LIMIT}
      )
      ${presented(search)}`,
    ),
  );
  return rows.map(toHit);
}

/** The rows of `hits` as the list shows them: the other member's name and the marked excerpt. */
function presented({ userId, config, everything }: Pick<SearchInput, "userId" | "config" | "everything">): SQL {
  return sql`
      select h.room_id, h.seq, h.created_at, u.name as other_name, u.role as other_role,
        ts_headline(${config}, h.body, ${everything},
          ${`StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`}) as excerpt
      from hits h
      -- Per hit, the room's members in one range of their primary key: the caller must be one of
      -- them (an admin, who is none, finds nothing), and the hit is named by the other one.
      cross join lateral (
        select (array_agg(o.user_id) filter (where o.user_id <> ${userId}::uuid))[1] as user_id
        from room_members o
        where o.room_id = h.room_id
        having bool_or(o.user_id = ${userId}::uuid)
      ) other
      join users u on u.id = other.user_id
      order by h.created_at desc`;
}

function toHit(r: HitRow): SearchHit {
  return {
    roomId: r.room_id,
    seq: Number(r.seq),
    createdAt: new Date(r.created_at),
    otherName: displayName({ name: r.other_name, role: r.other_role }),
    excerpt: r.excerpt,
  };
}
