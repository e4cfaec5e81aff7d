import { json, withUser } from "@/lib/api";
import { listConversations } from "@/lib/chat";
import { toConversationJson } from "@/lib/chat-json";

export async function GET() {
  return withUser(async (user) => json({ conversations: (await listConversations(user.id)).map(toConversationJson) }));
}
