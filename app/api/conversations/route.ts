import { json, parseOr400, withUser } from "@/lib/http/handler";
import { listConversations } from "@/lib/chat/lists";
import { toConversationPageJson } from "@/lib/chat/json";
import { conversationsQuerySchema } from "@/lib/schemas/conversations";

/** GET: the newest page of the user's conversations; ?before=<nextCursor>: the page after it. */
export async function GET(request: Request) {
  return withUser(
    {},
    async (user) => {
      const query = parseOr400(conversationsQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
      if (!query.ok) return query.response;
      return json(toConversationPageJson(await listConversations({ userId: user.id, before: query.data.before })));
    },
    request,
  );
}
