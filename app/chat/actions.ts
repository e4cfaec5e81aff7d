"use server";

import type { z } from "zod";
import { sendMessage } from "@/lib/chat/messages";
import { toMessageJson, type ChatMessageJson } from "@/lib/chat/json";
import { runAction } from "@/lib/http/action";
import { saveDraft } from "@/lib/chat/drafts";
import { saveDraftSchema, sendMessageSchema } from "@/lib/schemas/chat";
import type { ActionResult } from "@/lib/schemas/form";

const MEMBERS = ["patient", "doctor"] as const;

/** Sends one message; the same clientId sent again returns the stored message, never a second one. */
export async function sendMessageAction(
  input: z.input<typeof sendMessageSchema>,
): Promise<ActionResult<ChatMessageJson>> {
  return runAction({
    roles: MEMBERS,
    schema: sendMessageSchema,
    input,
    run: async (user, data) => toMessageJson((await sendMessage({ ...data, senderId: user.id })).message),
  });
}

/** Saves what the member has typed and not sent (debounced by the composer); empty text removes it. */
export async function saveDraftAction(
  input: z.input<typeof saveDraftSchema>,
): Promise<ActionResult<{ saved: boolean }>> {
  return runAction({
    roles: MEMBERS,
    schema: saveDraftSchema,
    input,
    run: (user, data) => saveDraft({ roomId: data.roomId, userId: user.id, body: data.body }),
  });
}
