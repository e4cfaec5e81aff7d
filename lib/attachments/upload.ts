import "server-only";
import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { attachments } from "@/db/schema";
import { roomForMember } from "@/lib/chat/rooms";
import { windowClosedText } from "@/lib/shared/care";
import { DomainError, notFoundError } from "@/lib/errors";
import { enforce } from "@/lib/rate-limit";
import { ACCEPTED_TYPES, formatBytes, nameForType, sanitiseFileName } from "@/lib/shared/attachments";
import { HEIC_NOTE, reencodeImage } from "./images";
import { attachmentLimits, uploadRule } from "./limits";
import { checkedText, sniffType, SNIFF_BYTES } from "./sniff";
import { blobStorage } from "./storage";
import { toAttachmentJson, type AttachmentJson } from "./views";

const tooLarge = (limit: number) =>
  new DomainError("too_large", `This file is too large: the limit is ${formatBytes(limit)}.`);
const overQuota = (quota: number) =>
  new DomainError(
    "too_large",
    `Your files take up all of your ${formatBytes(quota)} of storage. Files you sent stay; new ones are refused.`,
  );

/**
 * Reads a request body piece by piece, throwing as soon as it passes `limit` bytes (the reader is
 * cancelled, so the rest is never read). Nothing here holds more than the piece in hand.
 */
async function* bounded(body: ReadableStream<Uint8Array>, limit: number, refusal: () => Error) {
  const reader = body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.length;
      if (total > limit) throw refusal();
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Pulls pieces until at least `bytes` are in hand (or the stream ends); hands back the head and the rest. */
async function takeHead(source: AsyncGenerator<Uint8Array>, bytes: number) {
  const pieces: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await source.next();
    if (next.done) {
      ended = true;
      break;
    }
    pieces.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(pieces);
  async function* whole() {
    yield head;
    if (!ended) yield* source;
  }
  return { head, ended, whole };
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const piece of source) pieces.push(piece);
  return Buffer.concat(pieces);
}

/**
 * Stores one uploaded file for the uploader to send into this room (unsent until a message takes
 * it). Refused before anything is stored: not a member (404), a closed room, too many uploads, a
 * declared size past the limit or the quota, a type not accepted by its first bytes. A body that
 * passes the limit while streaming is cut off there and what was stored is deleted.
 * Images are re-encoded (upright, no metadata) with one thumbnail; other files stream to storage.
 */
export async function uploadAttachment(input: {
  roomId: string;
  userId: string;
  name: string;
  body: ReadableStream<Uint8Array> | null;
  declaredBytes: number | null;
}): Promise<AttachmentJson> {
  const room = await roomForMember({ roomId: input.roomId, userId: input.userId });
  if (!room) throw notFoundError("That conversation");
  if (!room.open)
    throw new DomainError(
      "conflict",
      room.closedBy === "window"
        ? windowClosedText(room.closesAt, room.doctor.timeZone)
        : "This conversation is closed because the appointment was cancelled.",
    );
  await enforce(uploadRule(), input.userId, "You are uploading files too quickly.");

  const limits = attachmentLimits();
  const used = await storedBytesOf(input.userId);
  const quotaLeft = limits.quotaBytes - used;
  if (quotaLeft <= 0) throw overQuota(limits.quotaBytes);
  const limit = Math.min(limits.maxFileBytes, quotaLeft);
  const refusal = () => (limit < limits.maxFileBytes ? overQuota(limits.quotaBytes) : tooLarge(limits.maxFileBytes));
  if (input.declaredBytes !== null && input.declaredBytes > limit) throw refusal();
  if (!input.body) throw new DomainError("invalid", "This file is empty.");

  const source = bounded(input.body, limit, refusal);
  const { head, ended, whole } = await takeHead(source, SNIFF_BYTES);
  const type = await sniffType(head, ended);
  const name = sanitiseFileName(input.name);
  const storage = blobStorage();
  const stored: string[] = [];
  const put = async (bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) => {
    const key = crypto.randomUUID();
    stored.push(key);
    return { key, size: await storage.put(key, bytes) };
  };
  try {
    let row: typeof attachments.$inferInsert;
    const base = { roomId: input.roomId, uploaderId: input.userId };
    if (ACCEPTED_TYPES[type].image) {
      // An image is decoded whole: held once, bounded by the limit; only its re-encoding is stored.
      const original = await collect(whole());
      const image = await reencodeImage(original, type);
      if (image) {
        const full = await put([image.data]);
        const thumb = await put([image.thumbnail.data]);
        row = {
          ...base,
          kind: "image",
          name: nameForType(name, image.mediaType),
          mediaType: image.mediaType,
          size: full.size,
          width: image.width,
          height: image.height,
          blobKey: full.key,
          thumbnailKey: thumb.key,
          thumbnailWidth: image.thumbnail.width,
          thumbnailHeight: image.thumbnail.height,
        };
      } else {
        const kept = await put([original]);
        row = {
          ...base,
          kind: "document",
          name: nameForType(name, type),
          mediaType: type,
          size: kept.size,
          blobKey: kept.key,
          note: HEIC_NOTE,
        };
      }
    } else {
      const kept = await put(type === "text/plain" ? checkedText(whole()) : whole());
      if (kept.size === 0) throw new DomainError("invalid", "This file is empty.");
      row = {
        ...base,
        kind: "document",
        name: nameForType(name, type),
        mediaType: type,
        size: kept.size,
        blobKey: kept.key,
      };
    }
    const [saved] = await getDb().insert(attachments).values(row).returning();
    if (!saved) throw new Error("insert returned no row");
    return toAttachmentJson(saved);
  } catch (error) {
    await storage.delete(stored).catch(() => {});
    throw error;
  }
}

/** What a person's files take up, sent or not. */
async function storedBytesOf(userId: string): Promise<number> {
  const [row] = await getDb()
    .select({ n: sql<number>`coalesce(sum(${attachments.size}), 0)::bigint` })
    .from(attachments)
    .where(and(eq(attachments.uploaderId, userId)));
  return Number(row?.n ?? 0);
}
