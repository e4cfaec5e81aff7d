import "server-only";
import { and, asc, eq, gte, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { fileBlobs, fileChunks } from "@/db/schema";

/**
 * Where file bytes live: put a stream, get a stream, delete. The PostgreSQL store below is the
 * default; an S3-compatible store can replace it behind the same three calls (README: Attachments).
 */
export interface BlobStorage {
  /** Stores the stream under `key` and returns its size; on any failure nothing is kept. */
  put(key: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number>;
  /** The stored bytes as a stream, or null for an unknown or unfinished key. */
  get(key: string): Promise<{ size: number; stream: ReadableStream<Uint8Array> } | null>;
  delete(keys: string[]): Promise<void>;
}

export const CHUNK_BYTES = 256 * 1024;
/** Chunks read per query while streaming out. */
const READ_BATCH = 4;

/**
 * Chunked rows in their own tables (file_blobs, file_chunks), so no query of a thread or a list
 * reads file bytes. Memory per transfer is bounded by one chunk plus what the source hands over at
 * once; each chunk is its own statement, so a slow upload holds no transaction open.
 */
export const postgresStorage: BlobStorage = {
  async put(key, source) {
    const db = getDb();
    await db.insert(fileBlobs).values({ key });
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let n = 0;
    let size = 0;
    const flush = async (all: boolean) => {
      while (pendingBytes >= CHUNK_BYTES || (all && pendingBytes > 0)) {
        const joined = Buffer.concat(pending);
        const take = Math.min(CHUNK_BYTES, joined.length);
        await db.insert(fileChunks).values({ key, n: n++, data: joined.subarray(0, take) });
        const rest = joined.subarray(take);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
      }
    };
    try {
      for await (const piece of source) {
        pending.push(piece);
        pendingBytes += piece.length;
        size += piece.length;
        await flush(false);
      }
      await flush(true);
      await db.update(fileBlobs).set({ size, complete: true }).where(eq(fileBlobs.key, key));
      return size;
    } catch (error) {
      await db.delete(fileBlobs).where(eq(fileBlobs.key, key));
      throw error;
    }
  },

  async get(key) {
    const db = getDb();
    // The size comes with the first chunks, in one round trip (a thumbnail is one chunk): a file
    // opens with one query instead of two.
    const readFrom = (from: number, withSize: boolean) =>
      db
        .select({
          n: fileChunks.n,
          data: fileChunks.data,
          size: withSize
            ? sql<
                number | null
              >`(select ${fileBlobs.size} from ${fileBlobs} where ${fileBlobs.key} = ${key} and ${fileBlobs.complete})`
            : sql<null>`null`,
        })
        .from(fileChunks)
        .where(and(eq(fileChunks.key, key), gte(fileChunks.n, from)))
        .orderBy(asc(fileChunks.n))
        .limit(READ_BATCH);
    let first = await readFrom(0, true);
    let size: number | null;
    if (first.length > 0) size = first[0]!.size === null ? null : Number(first[0]!.size);
    else {
      // No chunk: an empty file, or none at all.
      const [blob] = await db
        .select({ size: fileBlobs.size })
        .from(fileBlobs)
        .where(and(eq(fileBlobs.key, key), eq(fileBlobs.complete, true)));
      size = blob ? blob.size : null;
    }
    if (size === null) return null;
    let next = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const rows = first.length > 0 ? first : await readFrom(next, false);
        first = [];
        for (const row of rows) controller.enqueue(new Uint8Array(row.data));
        next += rows.length;
        if (rows.length < READ_BATCH) controller.close();
      },
    });
    return { size, stream };
  },

  async delete(keys) {
    if (keys.length === 0) return;
    await getDb().delete(fileBlobs).where(inArray(fileBlobs.key, keys));
  },
};

/** The storage this process uses. */
export function blobStorage(): BlobStorage {
  return postgresStorage;
}
