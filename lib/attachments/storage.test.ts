import crypto from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { fileBlobs, fileChunks } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { blobStorage, CHUNK_BYTES } from "./storage";

// On PostgreSQL (TEST_DATABASE_URL, as in CI) chunks go in by binary COPY, on the embedded database
// by INSERT: the same bytes must come back either way, whatever the pieces the upload arrives in.

const t = setupTestDatabase();

function* piecesOf(bytes: Buffer, sizes: number[]) {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function readAll(key: string): Promise<{ size: number; bytes: Buffer } | null> {
  const stored = await blobStorage().get(key);
  if (!stored) return null;
  const parts: Uint8Array[] = [];
  for await (const part of stored.stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return { size: stored.size, bytes: Buffer.concat(parts) };
}

describe("the blob store", () => {
  for (const [label, length, sizes] of [
    ["an empty file", 0, [1]],
    ["one byte", 1, [1]],
    ["exactly one chunk", CHUNK_BYTES, [CHUNK_BYTES]],
    ["four chunks and a bit, in odd-sized pieces", 4 * CHUNK_BYTES + 123, [10_007, 65_536, 1]],
    ["nine chunks and a bit, in pieces larger than a chunk", 9 * CHUNK_BYTES + 5, [CHUNK_BYTES * 3 + 17]],
  ] as const) {
    it(`gives back ${label} byte for byte, in rows of at most one chunk numbered from 0`, async () => {
      const bytes = crypto.randomBytes(length);
      const key = crypto.randomUUID();
      expect(await blobStorage().put(key, piecesOf(bytes, [...sizes]))).toBe(length);
      const back = await readAll(key);
      expect(back?.size).toBe(length);
      expect(back!.bytes.equals(bytes)).toBe(true);
      const rows = await t.handle.db
        .select({ n: fileChunks.n, data: fileChunks.data })
        .from(fileChunks)
        .where(eq(fileChunks.key, key))
        .orderBy(asc(fileChunks.n));
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i));
      expect(rows.every((r) => r.data.length <= CHUNK_BYTES)).toBe(true);
      expect(rows).toHaveLength(Math.ceil(length / CHUNK_BYTES));
    });
  }

  it("keeps nothing of a source that fails half way", async () => {
    const key = crypto.randomUUID();
    async function* failing() {
      yield crypto.randomBytes(3 * CHUNK_BYTES);
      yield crypto.randomBytes(3 * CHUNK_BYTES);
      throw new Error("the client went away");
    }
    await expect(blobStorage().put(key, failing())).rejects.toThrow("the client went away");
    expect(await readAll(key)).toBeNull();
    expect(await t.handle.db.select().from(fileBlobs).where(eq(fileBlobs.key, key))).toEqual([]);
    expect(await t.handle.db.select({ n: fileChunks.n }).from(fileChunks).where(eq(fileChunks.key, key))).toEqual([]);
  });
});
