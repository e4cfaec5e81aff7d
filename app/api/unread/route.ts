import { json, withUser } from "@/lib/http/handler";
import { unreadTotal } from "@/lib/chat/lists";

/** The signed-in user's unread total; it answers for that user only. */
export async function GET(request: Request) {
  return withUser({}, async (user) => json({ total: await unreadTotal(user.id) }), request);
}
