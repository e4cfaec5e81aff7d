import type { NextRequest } from "next/server";
import { messagesAfter, sendMessage, threadPage } from "@/lib/chat/messages";
import { toMessageJson } from "@/lib/chat/json";
import { json, jsonResponse, parseOr400, readJsonBody, withUser } from "@/lib/http/handler";
import { requireSameOrigin } from "@/lib/http/same-origin";
import { idSchema } from "@/lib/schemas/appointments";
import { sendMessageSchema, threadQuerySchema } from "@/lib/schemas/chat";

type Context = { params: Promise<{ roomId: string }> };

const MEMBERS = { roles: ["patient", "doctor"] } as const;

/** GET ?after=N: the poll (messages after N and the other member's read cursor); ?before=N: older history. */
export async function GET(request: Request, { params }: Context) {
  return withUser(
    MEMBERS,
    async (user) => {
      const roomId = parseOr400(idSchema("conversation"), (await params).roomId);
      if (!roomId.ok) return roomId.response;
      const query = parseOr400(threadQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
      if (!query.ok) return query.response;
      if (query.data.after !== undefined) {
        const result = await messagesAfter({ roomId: roomId.data, userId: user.id, afterSeq: query.data.after });
        return json({
          messages: result.messages.map(toMessageJson),
          otherReadSeq: result.otherReadSeq,
          hasMore: result.hasMore,
        });
      }
      const page = await threadPage({ roomId: roomId.data, userId: user.id, beforeSeq: query.data.before });
      return json({ messages: page.messages.map(toMessageJson), hasEarlier: page.hasEarlier });
    },
    request,
  );
}

/**
 * POST { clientId, body, seenSeq? }: sends a message, as the thread's composer does. Sending the
 * same clientId again returns the stored message (200) instead of a second one (201).
 */
export async function POST(request: NextRequest, { params }: Context) {
  const refused = requireSameOrigin(request);
  if (refused) return refused;
  return withUser(MEMBERS, async (user) => {
    const body = await readJsonBody(request);
    if (!body.ok) return body.response;
    const input = parseOr400(sendMessageSchema, { ...body.data, roomId: (await params).roomId });
    if (!input.ok) return input.response;
    const { message, created } = await sendMessage({ ...input.data, senderId: user.id });
    return jsonResponse({ message: toMessageJson(message) }, { status: created ? 201 : 200 });
  });
}
