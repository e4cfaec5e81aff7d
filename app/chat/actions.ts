"use server";

import type { z } from "zod";
import { runAction } from "@/lib/http/action";
import { markRead, sendMessage } from "@/lib/chat/messages";
import { toMessageJson, type ChatMessageJson } from "@/lib/chat/json";
import { enforce, RATE_LIMITS, SENDING_TOO_FAST } from "@/lib/rate-limit";
import { markReadSchema, sendMessageSchema } from "@/lib/schemas/chat";
import type { ActionResult } from "@/lib/schemas/auth";

/** Sends one message; the same clientId sent again returns the stored message, never a second one. */
export async function sendMessageAction(
  input: z.input<typeof sendMessageSchema>,
): Promise<ActionResult<ChatMessageJson>> {
  return runAction({
    roles: ["patient", "doctor"],
    schema: sendMessageSchema,
    input,
    run: async (user, data) => {
      await enforce(RATE_LIMITS.messagesPerUser, user.id, SENDING_TOO_FAST);
      return toMessageJson(
        (
          await sendMessage({
            roomId: data.roomId,
            senderId: user.id,
            clientId: data.clientId,
            body: data.body,
            seenSeq: data.seenSeq,
          })
        ).message,
      );
    },
  });
}

export async function markReadAction(
  input: z.input<typeof markReadSchema>,
): Promise<ActionResult<{ lastReadSeq: number }>> {
  return runAction({
    roles: ["patient", "doctor"],
    schema: markReadSchema,
    input,
    run: async (user, data) => ({
      lastReadSeq: await markRead({ roomId: data.roomId, userId: user.id, seq: data.seq }),
    }),
  });
}
