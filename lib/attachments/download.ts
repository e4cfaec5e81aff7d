import "server-only";
import { and, eq, isNotNull, or } from "drizzle-orm";
import { getDb } from "@/db";
import { attachments, roomMembers } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { notFoundError } from "@/lib/errors";
import { INLINE_IMAGE_TYPES } from "@/lib/shared/attachments";
import { blobStorage } from "./storage";

export interface OpenedFile {
  stream: ReadableStream<Uint8Array>;
  size: number;
  mediaType: string;
  name: string;
  /** Shown in the page (an image the thread displays); everything else downloads. */
  inline: boolean;
}

/**
 * A file for one of its room's two members (a file not sent yet: for its uploader only); anyone
 * else, admins included, and an unknown id get the same not-found. Opening the file itself is
 * audited (who, which file; never content); its thumbnail, shown as the thread scrolls, is not.
 */
export async function openAttachment(input: {
  attachmentId: string;
  userId: string;
  variant: "file" | "thumbnail";
}): Promise<OpenedFile> {
  const [row] = await getDb()
    .select({
      roomId: attachments.roomId,
      name: attachments.name,
      mediaType: attachments.mediaType,
      kind: attachments.kind,
      blobKey: attachments.blobKey,
      thumbnailKey: attachments.thumbnailKey,
    })
    .from(attachments)
    .innerJoin(roomMembers, and(eq(roomMembers.roomId, attachments.roomId), eq(roomMembers.userId, input.userId)))
    .where(
      and(
        eq(attachments.id, input.attachmentId),
        or(isNotNull(attachments.messageSeq), eq(attachments.uploaderId, input.userId)),
      ),
    )
    .limit(1);
  if (!row) throw notFoundError("That file");
  const key = input.variant === "thumbnail" ? row.thumbnailKey : row.blobKey;
  const stored = key ? await blobStorage().get(key) : null;
  if (!stored) throw notFoundError("That file");
  if (input.variant === "file")
    await recordAudit({
      actorId: input.userId,
      action: "attachment.open",
      targetType: "attachment",
      targetId: input.attachmentId,
      detail: { roomId: row.roomId },
    });
  const inline = row.kind === "image" && INLINE_IMAGE_TYPES.includes(row.mediaType);
  return {
    stream: stored.stream,
    size: stored.size,
    mediaType: input.variant === "thumbnail" ? "image/webp" : row.mediaType,
    name: row.name,
    inline,
  };
}
