import type { Metadata } from "next";
import { ConversationList } from "@/components/chat/conversation-list";
import { MessageSearchForm, MessageSearchResults } from "@/components/chat/message-search";
import { searchMessages } from "@/lib/chat/search";
import { messageSearchSchema } from "@/lib/schemas/chat";
import { PageHeader } from "@/components/ui/page-header";
import { requireRole } from "@/lib/auth/gate";
import { listConversations } from "@/lib/chat/lists";
import { toConversationPageJson } from "@/lib/chat/json";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";

export const metadata: Metadata = { title: "Messages" };

export default async function ConversationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireRole("patient", "doctor");
  const query = messageSearchSchema.parse((await searchParams).q);
  const [firstPage, tz, hits] = await Promise.all([
    listConversations({ userId: user.id }),
    viewerTimeZone(),
    query ? searchMessages({ userId: user.id, text: query }) : null,
  ]);
  return (
    <>
      <PageHeader
        title="Messages"
        description="Each accepted appointment has a private conversation between you and the other person."
      />
      <MessageSearchForm value={query ?? ""} />
      {query && hits ? (
        <MessageSearchResults
          query={query}
          timeZone={tz}
          hits={hits.map((h) => ({ ...h, createdAt: h.createdAt.toISOString() }))}
        />
      ) : null}
      <ConversationList
        meId={user.id}
        role={user.role === "doctor" ? "doctor" : "patient"}
        timeZone={tz}
        initial={toConversationPageJson(firstPage)}
      />
    </>
  );
}
