import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { drafts } from "@/db/schema";
import { requireMember } from "./rooms";

/**
 * What a member has typed into a room and not sent, saved as they type so it follows them to
 * another device. Empty text removes it; sending a message removes it too (a trigger on messages,
 * so the send stays one statement). Only the room's two members have drafts in it (the foreign key
 * to room_members; checked first so a stranger gets not-found).
 */
export async function saveDraft(input: { roomId: string; userId: string; body: string }): Promise<{ saved: boolean }> {
  await requireMember(input.roomId, input.userId);
  if (input.body.trim() === "") {
    await getDb()
      .delete(drafts)
      .where(and(eq(drafts.roomId, input.roomId), eq(drafts.userId, input.userId)));
    return { saved: false };
  }
  await getDb()
    .insert(drafts)
    .values({ roomId: input.roomId, userId: input.userId, body: input.body })
    .onConflictDoUpdate({
      target: [drafts.roomId, drafts.userId],
      set: { body: input.body, updatedAt: sql`now()` },
    });
  return { saved: true };
}

/** The member's draft of this room, or "" (the caller has already checked membership). */
export async function draftOf(roomId: string, userId: string): Promise<string> {
  const [row] = await getDb()
    .select({ body: drafts.body })
    .from(drafts)
    .where(and(eq(drafts.roomId, roomId), eq(drafts.userId, userId)))
    .limit(1);
  return row?.body ?? "";
}
