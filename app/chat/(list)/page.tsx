import type { Metadata } from "next";
import { ConversationList } from "@/components/chat/conversation-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireRole } from "@/lib/auth/gate";
import { listConversations } from "@/lib/chat/lists";
import { toConversationPageJson } from "@/lib/chat/json";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";

export const metadata: Metadata = { title: "Messages" };

export default async function ConversationsPage() {
  const user = await requireRole("patient", "doctor");
  const [firstPage, tz] = await Promise.all([listConversations({ userId: user.id }), viewerTimeZone()]);
  return (
    <>
      <PageHeader
        title="Messages"
        description="Each accepted appointment has a private conversation between you and the other person."
      />
      <ConversationList
        meId={user.id}
        role={user.role === "doctor" ? "doctor" : "patient"}
        timeZone={tz}
        initial={toConversationPageJson(firstPage)}
      />
    </>
  );
}
