import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { and, asc, eq, gte, inArray, sql } from "drizzle-orm";
import type postgres from "postgres";
import { databaseHandle, getDb } from "@/db";
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
 * reads file bytes. Memory per transfer is bounded by one write (a chunk, four on PostgreSQL) plus
 * what the source hands over at once; each write is its own statement, so a slow upload holds no
 * transaction open.
 */
export const postgresStorage: BlobStorage = {
  async put(key, source) {
    const db = getDb();
    const writer = chunkWriter(key);
    const batchBytes = CHUNK_BYTES * writer.chunksPerWrite;
    await db.insert(fileBlobs).values({ key });
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let n = 0;
    let size = 0;
    const flush = async (all: boolean) => {
      while (pendingBytes >= batchBytes || (all && pendingBytes > 0)) {
        const chunks: Uint8Array[][] = [];
        for (let left = Math.min(batchBytes, pendingBytes); left > 0;) {
          const take = Math.min(CHUNK_BYTES, left);
          const { head, rest } = split(pending, take);
          chunks.push(head);
          pending = rest;
          pendingBytes -= take;
          left -= take;
        }
        await writer.write(n, chunks);
        n += chunks.length;
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

/** The first `take` bytes of `pieces` (as pieces, without copying) and what is left after them. */
function split(pieces: Uint8Array[], take: number): { head: Uint8Array[]; rest: Uint8Array[] } {
  const head: Uint8Array[] = [];
  let left = take;
  let i = 0;
  for (; left > 0; i++) {
    const piece = pieces[i]!;
    if (piece.length <= left) {
      head.push(piece);
      left -= piece.length;
    } else {
      head.push(piece.subarray(0, left));
      return { head, rest: [piece.subarray(left), ...pieces.slice(i + 1)] };
    }
  }
  return { head, rest: pieces.slice(i) };
}

interface ChunkWriter {
  /** Chunks written by one statement: the memory an upload holds between statements. */
  chunksPerWrite: number;
  /** Writes chunk rows `firstN`, `firstN + 1`, …, each given as the pieces that make it up. */
  write(firstN: number, chunks: Uint8Array[][]): Promise<void>;
}

/**
 * On PostgreSQL chunk rows go in by binary COPY. postgres.js sends a bytea parameter as hex text,
 * so an INSERT allocates about nine times its chunk (copies, a hex string twice its size, the
 * message built around it): garbage V8 collects late, which showed as 138 MB of resident growth for
 * four concurrent 10 MB uploads. A COPY writes the bytes as they are (56 MB). Four chunks go in one
 * COPY because postgres.js leaves Nagle's algorithm on and sends COPY's end as a write of its own,
 * which waits for the delayed acknowledgement of the data (about 40 ms a statement); each COPY is
 * its own statement, so a slow upload holds no connection between them.
 */
function chunkWriter(key: string): ChunkWriter {
  const handle = databaseHandle();
  if (handle.kind === "postgres" && handle.sql) return copyChunkWriter(handle.sql, key);
  return {
    chunksPerWrite: 1,
    async write(firstN, chunks) {
      for (const [i, pieces] of chunks.entries())
        await getDb()
          .insert(fileChunks)
          .values({ key, n: firstN + i, data: Buffer.concat(pieces) });
    },
  };
}

/** PostgreSQL's binary COPY signature, flags and header extension length. */
const COPY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
/** A tuple's field count and its fields' lengths and fixed-size values: key (uuid), n (int4), data's length. */
const TUPLE_FIXED = 2 + (4 + 16) + (4 + 4) + 4;
/** The field count -1 that ends binary COPY data. */
const COPY_TRAILER = Buffer.from([0xff, 0xff]);

function copyChunkWriter(client: postgres.Sql, key: string): ChunkWriter {
  const keyBytes = Buffer.from(key.replace(/-/g, ""), "hex");
  return {
    chunksPerWrite: 4,
    async write(firstN, chunks) {
      // The pieces go to the COPY as they are, each after its tuple's header: copying them into
      // one buffer first made a fourth copy of every uploaded byte (after the socket's, the web
      // stream's and postgres.js's own), garbage that outlived young collections.
      const parts: Uint8Array[] = [COPY_HEADER];
      for (const [i, pieces] of chunks.entries()) {
        const length = pieces.reduce((sum, p) => sum + p.length, 0);
        const header = Buffer.allocUnsafe(TUPLE_FIXED);
        let at = header.writeInt16BE(3, 0);
        at = header.writeInt32BE(16, at);
        at += keyBytes.copy(header, at);
        at = header.writeInt32BE(4, at);
        at = header.writeInt32BE(firstN + i, at);
        header.writeInt32BE(length, at);
        parts.push(header, ...pieces);
      }
      parts.push(COPY_TRAILER);
      const writable = await client`copy file_chunks (key, n, data) from stdin with (format binary)`.writable();
      await pipeline(Readable.from(parts), writable);
    },
  };
}

/** The storage this process uses. */
export function blobStorage(): BlobStorage {
  return postgresStorage;
}
