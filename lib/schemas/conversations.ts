import { z } from "zod";

/**
 * Where a page of the conversation list ends: the last row's activity time, in microseconds since
 * 1970 as PostgreSQL holds it (a JavaScript date keeps milliseconds only, and a cursor that lost
 * the rest would skip rooms active within the same millisecond), and its room.
 */
export interface ConversationCursor {
  activityMicros: string;
  roomId: string;
}

const CURSOR = /^(\d{1,16})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function formatConversationCursor(cursor: ConversationCursor): string {
  return `${cursor.activityMicros}_${cursor.roomId}`;
}

const BAD_CURSOR = "That page of conversations is not available. Reload the list and try again.";

export const conversationCursorSchema = z
  .string({ error: BAD_CURSOR })
  .max(60, BAD_CURSOR)
  .transform((text, ctx): ConversationCursor => {
    const match = CURSOR.exec(text.toLowerCase());
    if (!match) {
      ctx.addIssue({ code: "custom", message: BAD_CURSOR });
      return z.NEVER;
    }
    return { activityMicros: match[1]!, roomId: match[2]! };
  });

/** Query of the conversation list endpoint: `before`, the `nextCursor` of the page above. Other parameters are ignored. */
export const conversationsQuerySchema = z.object({ before: conversationCursorSchema.optional() });
