import { json, withUser } from "@/lib/http/handler";
import { recentMessages } from "@/lib/chat/lists";
import { toRecentJson } from "@/lib/chat/json";

/** The signed-in user's newest received messages across their rooms. */
export async function GET(request: Request) {
  return withUser({}, async (user) => json({ messages: (await recentMessages(user.id)).map(toRecentJson) }), request);
}
