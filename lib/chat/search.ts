import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { rowsOf } from "@/db/rows";
import { readEnv } from "@/lib/env";
import { displayName } from "@/lib/shared/display-name";

/**
 * Message search: PostgreSQL full-text search over the caller's own rooms only (joined through
 * room_members, so an admin, who is a member of none, finds nothing), with the configuration of
 * SEARCH_LANGUAGE (each has its GIN expression index) and prefix matching on the last word, so
 * "blood pres" finds "blood pressure" while it is being typed. Newest first.
 */

export const SEARCH_LIMIT = 20;
export const SEARCH_WORDS_MAX = 8;
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
 * A tsquery from what the person typed: words of letters and digits only (anything else is a
 * separator, so no operator of the tsquery syntax gets through), all required, the last a prefix.
 * Null when nothing searchable is left.
 */
export function toPrefixQuery(text: string): string | null {
  const words =
    text
      .normalize("NFC")
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, SEARCH_WORDS_MAX) ?? [];
  if (words.length === 0) return null;
  return words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(" & ");
}

export async function searchMessages(input: { userId: string; text: string }): Promise<SearchHit[]> {
  const query = toPrefixQuery(input.text);
  if (!query) return [];
  // A literal from a fixed list (lib/env.ts), so the expression matches the index's exactly.
  const config = sql.raw(`'${readEnv().SEARCH_LANGUAGE}'::regconfig`);
  const rows = rowsOf<{
    room_id: string;
    seq: number;
    created_at: Date | string;
    other_name: string;
    other_role: "patient" | "doctor" | "admin";
    excerpt: string;
  }>(
    await getDb().execute(sql`
      with q as (select to_tsquery(${config}, ${query}) as q),
      hits as (
        select m.room_id, m.seq, m.created_at, m.body
        from messages m
        join room_members me on me.room_id = m.room_id and me.user_id = ${input.userId}::uuid
        where to_tsvector(${config}, m.body) @@ (select q from q)
        order by m.created_at desc
        limit ${SEARCH_LIMIT}
      )
      select h.room_id, h.seq, h.created_at, u.name as other_name, u.role as other_role,
        ts_headline(${config}, h.body, (select q from q),
          ${`StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`}) as excerpt
      from hits h
      join room_members o on o.room_id = h.room_id and o.user_id <> ${input.userId}::uuid
      join users u on u.id = o.user_id
      order by h.created_at desc`),
  );
  return rows.map((r) => ({
    roomId: r.room_id,
    seq: Number(r.seq),
    createdAt: new Date(r.created_at),
    otherName: displayName({ name: r.other_name, role: r.other_role }),
    excerpt: r.excerpt,
  }));
}
