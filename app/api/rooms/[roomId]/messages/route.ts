import type { NextRequest } from "next/server";
import { json, parseOr400, withUser } from "@/lib/api";
import { messagesAfter, threadPage } from "@/lib/chat";
import { toMessageJson } from "@/lib/chat-json";
import { idSchema } from "@/lib/schemas/appointments";
import { threadQuerySchema } from "@/lib/schemas/chat";

/** GET ?after=N: the poll (messages after N and the other member's read cursor); ?before=N: older history. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ roomId: string }> }) {
  return withUser(async (user) => {
    const roomId = parseOr400(idSchema("conversation"), (await params).roomId);
    if (!roomId.ok) return roomId.response;
    const query = parseOr400(threadQuerySchema, Object.fromEntries(request.nextUrl.searchParams));
    if (!query.ok) return query.response;
    if (query.data.after !== undefined) {
      const result = await messagesAfter({ roomId: roomId.data, userId: user.id, afterSeq: query.data.after });
      return json({ messages: result.messages.map(toMessageJson), otherReadSeq: result.otherReadSeq, hasMore: result.hasMore });
    }
    const page = await threadPage({ roomId: roomId.data, userId: user.id, beforeSeq: query.data.before });
    return json({ messages: page.messages.map(toMessageJson), hasEarlier: page.hasEarlier });
  });
}
