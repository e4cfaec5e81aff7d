import "server-only";
import { z } from "zod";
import { APPOINTMENT_STATUSES } from "@/lib/shared/model";

/**
 * What the server pushes to a signed-in user: ids and types only, never a message body or anyone
 * else's details. The client refetches through the JSON endpoints it already polls.
 */
export const liveEventSchema = z.discriminatedUnion("type", [
  /** A message was stored in one of the user's rooms (theirs or the other member's). */
  z.object({
    type: z.literal("message"),
    roomId: z.uuid(),
    seq: z.number().int().positive(),
    from: z.uuid(),
    /** The receiving user's own unread total after it, so that their badge needs no request. */
    unread: z.number().int().nonnegative().optional(),
  }),
  /** A member's read cursor moved: the other member's (read receipts) or the user's own (unread total). */
  z.object({
    type: z.literal("read"),
    roomId: z.uuid(),
    userId: z.uuid(),
    seq: z.number().int().nonnegative(),
    /** For the reader only: their unread total after it. */
    unread: z.number().int().nonnegative().optional(),
  }),
  /** The other member of one of the user's rooms is typing (never stored; lib/chat/typing.ts). */
  z.object({ type: z.literal("typing"), roomId: z.uuid(), userId: z.uuid() }),
  /** One of the user's rooms opened again for messages (its doctor reopened it). */
  z.object({ type: z.literal("room"), roomId: z.uuid() }),
  /** One of the user's appointments changed status. */
  z.object({ type: z.literal("appointment"), appointmentId: z.uuid(), status: z.enum(APPOINTMENT_STATUSES) }),
  /** A session ended: the one signed out (`sessionId`), or all of the user's (deactivated). */
  z.object({ type: z.literal("session-ended"), sessionId: z.guid().optional() }),
  /** Events may have been missed (the server's listener reconnected): refetch everything. */
  z.object({ type: z.literal("resync") }),
  /** The stream is subscribed: anything fetched before this may be stale. */
  z.object({ type: z.literal("ready") }),
]);

export type LiveEvent = z.infer<typeof liveEventSchema>;
