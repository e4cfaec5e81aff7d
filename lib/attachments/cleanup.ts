import "server-only";
import { and, inArray, isNull, lt, not, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { attachments, fileBlobs } from "@/db/schema";
import { blobStorage } from "./storage";

/**
 * Deletes files uploaded more than `olderThanMinutes` ago that no message took, and stored bytes
 * left unfinished by an upload that died mid-way. Returns how many attachments went.
 */
export async function deleteUnsentAttachments(olderThanMinutes = 60): Promise<number> {
  const db = getDb();
  const cutoff = sql`now() - ${olderThanMinutes} * interval '1 minute'`;
  const gone = await db
    .delete(attachments)
    .where(and(isNull(attachments.messageSeq), lt(attachments.createdAt, cutoff)))
    .returning({ blobKey: attachments.blobKey, thumbnailKey: attachments.thumbnailKey });
  const keys = gone.flatMap((a) => (a.thumbnailKey ? [a.blobKey, a.thumbnailKey] : [a.blobKey]));
  await blobStorage().delete(keys);
  const unfinished = await db
    .select({ key: fileBlobs.key })
    .from(fileBlobs)
    .where(and(not(fileBlobs.complete), lt(fileBlobs.createdAt, cutoff)));
  if (unfinished.length)
    await db.delete(fileBlobs).where(
      inArray(
        fileBlobs.key,
        unfinished.map((b) => b.key),
      ),
    );
  return gone.length;
}
