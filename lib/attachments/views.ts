import "server-only";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { preparedQuery } from "@/db/prepared-statements";
import type { PgColumn } from "drizzle-orm/pg-core";
import { attachments, type messages } from "@/db/schema";
import { INLINE_IMAGE_TYPES } from "@/lib/shared/attachments";

/** An attachment as the thread and the composer know it (never its bytes or storage keys). */
export interface AttachmentJson {
  id: string;
  kind: "image" | "document";
  name: string;
  mediaType: string;
  size: number;
  /** Shown in the thread (a thumbnail, opening full size); otherwise a download card. */
  inline: boolean;
  width: number | null;
  height: number | null;
  thumbnail: { width: number; height: number } | null;
  note: string | null;
}

export const attachmentColumns = {
  id: attachments.id,
  kind: attachments.kind,
  name: attachments.name,
  mediaType: attachments.mediaType,
  size: attachments.size,
  width: attachments.width,
  height: attachments.height,
  thumbnailWidth: attachments.thumbnailWidth,
  thumbnailHeight: attachments.thumbnailHeight,
  note: attachments.note,
};

type AttachmentRow = Pick<
  typeof attachments.$inferSelect,
  "id" | "kind" | "name" | "mediaType" | "size" | "width" | "height" | "thumbnailWidth" | "thumbnailHeight" | "note"
>;

export function toAttachmentJson(row: AttachmentRow): AttachmentJson {
  const thumbnail =
    row.thumbnailWidth !== null && row.thumbnailHeight !== null
      ? { width: row.thumbnailWidth, height: row.thumbnailHeight }
      : null;
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    mediaType: row.mediaType,
    size: row.size,
    inline: row.kind === "image" && thumbnail !== null && INLINE_IMAGE_TYPES.includes(row.mediaType),
    width: row.width,
    height: row.height,
    thumbnail,
    note: row.note,
  };
}

/** The files of these messages of one room, by sequence number (one query, metadata only). */
export async function attachmentsOfMessages(roomId: string, seqs: number[]): Promise<Map<number, AttachmentJson[]>> {
  const bySeq = new Map<number, AttachmentJson[]>();
  if (seqs.length === 0) return bySeq;
  const rows = await attachmentsOfMessagesQuery().execute({ roomId, seqs });
  for (const { seq, ...row } of rows) {
    if (seq === null) continue;
    const list = bySeq.get(seq) ?? [];
    list.push(toAttachmentJson(row));
    bySeq.set(seq, list);
  }
  return bySeq;
}

// Asked after every thread page and poll that brings messages: prepared, with the sequence numbers
// as one array parameter (a list of placeholders would be a new statement for every length).
const attachmentsOfMessagesQuery = preparedQuery((db) =>
  db
    .select({ seq: attachments.messageSeq, ...attachmentColumns })
    .from(attachments)
    .where(
      and(
        eq(attachments.roomId, sql.placeholder("roomId")),
        sql`${attachments.messageSeq} = any(${sql.placeholder("seqs")}::int[])`,
      ),
    )
    .orderBy(asc(attachments.messageSeq), asc(attachments.position))
    .prepare("attachments_of_messages"),
);

/**
 * Gives each message its files (an empty list for most). A message read with `hasFiles` false has
 * none, so the files are asked for only when one of the list has some.
 */
export async function withAttachments<M extends { seq: number; hasFiles?: boolean }>(
  roomId: string,
  list: M[],
): Promise<(Omit<M, "hasFiles"> & { attachments: AttachmentJson[] })[]> {
  const bySeq = await attachmentsOfMessages(
    roomId,
    list.filter((m) => m.hasFiles !== false).map((m) => m.seq),
  );
  return list.map(({ hasFiles: _, ...m }) => ({ ...m, attachments: bySeq.get(m.seq) ?? [] }));
}

/**
 * A message's text for lists: its body, or for a message of files alone "Photo" or
 * "Document: name.pdf" (its first file), as SQL over a row of `messages`. Each column is written
 * with its table: as a field of a select from one table, Drizzle writes a bare column name, and
 * inside this subquery a bare "room_id" is the file's own, which matched another room's file at
 * the same sequence number.
 */
export function summaryOf(message: typeof messages): SQL<string> {
  const column = (c: PgColumn) => sql`${message}.${sql.identifier(c.name)}`;
  return sql<string>`coalesce(nullif(${column(message.body)}, ''), (select case when a.kind = 'image' then 'Photo' else 'Document: ' || a.name end from ${attachments} a where a.room_id = ${column(message.roomId)} and a.message_seq = ${column(message.seq)} order by a.position limit 1), '')`;
}
