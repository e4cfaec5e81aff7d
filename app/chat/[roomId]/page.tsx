import type { Metadata } from "next";
import { z } from "zod";
import Link from "next/link";
import { StatusBadge } from "@/components/appointments/status-badge";
import { Thread } from "@/components/chat/thread";
import { attachmentLimits } from "@/lib/attachments/limits";
import { recordAudit } from "@/lib/audit";
import { threadPage } from "@/lib/chat/messages";
import { draftOf } from "@/lib/chat/drafts";
import { toMessageJson } from "@/lib/chat/json";
import { formatDateTime } from "@/lib/shared/format";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { loadRoom } from "./load-room";
import { displayName, doctorName } from "@/lib/shared/display-name";
import { awayNoticeText, replyTimeLine } from "@/lib/shared/care";

export const metadata: Metadata = { title: "Conversation" };

function clientLimits() {
  const { maxFiles, maxFileBytes, maxMessageBytes } = attachmentLimits();
  return { maxFiles, maxFileBytes, maxMessageBytes };
}

/** `?at=<seq>`: opened from a search result, at that message; anything else is ignored. */
const atSchema = z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined);

export default async function RoomPage({
  params,
  searchParams,
}: {
  params: Promise<{ roomId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user, room } = await loadRoom((await params).roomId);
  const at = atSchema.parse((await searchParams).at);
  const [page, tz, draft] = await Promise.all([
    threadPage({ roomId: room.id, userId: user.id, aroundSeq: at }),
    viewerTimeZone(),
    draftOf(room.id, user.id),
    // Who read which conversation, and when: each time the thread is served.
    recordAudit({ actorId: user.id, action: "chat.thread_opened", targetType: "room", targetId: room.id }),
  ]);
  const otherName = displayName(room.other);
  return (
    // On a phone the thread fills exactly the space between the header (3.5 rem) and the bottom
    // navigation (4 rem), so only the message list scrolls and the composer stays on screen.
    <div className="fixed inset-x-0 top-[calc(3.5rem+1px)] bottom-[calc(4rem+env(safe-area-inset-bottom))] flex flex-col bg-slate-50 sm:static sm:h-[calc(100dvh-10rem)] sm:min-h-[26rem] sm:rounded-lg sm:border sm:border-slate-200 sm:bg-white">
      <div className="flex items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-2 sm:rounded-t-lg sm:py-3">
        <div className="min-w-0">
          <h1 className="truncate text-base font-semibold text-slate-900 sm:text-lg">{otherName}</h1>
          <p className="flex min-w-0 items-center gap-2 text-sm text-slate-600">
            <span className="truncate">
              {[room.other.specialty, `Appointment ${formatDateTime(room.appointmentStartsAt, tz)}`]
                .filter(Boolean)
                .join(" · ")}
            </span>
            <span className="shrink-0">
              <StatusBadge status={room.appointmentStatus} />
            </span>
          </p>
        </div>
        <Link href="/chat" className="shrink-0 text-sm font-medium text-brand-700 underline">
          All conversations
        </Link>
      </div>
      <Thread
        key={`${room.id}:${at ?? ""}`}
        focusSeq={at}
        draft={draft}
        roomId={room.id}
        meId={user.id}
        otherName={otherName}
        open={room.open}
        myReadSeq={room.myReadSeq}
        timeZone={tz}
        limits={clientLimits()}
        care={{
          viewer: user.role === "doctor" ? "doctor" : "patient",
          doctorId: room.doctor.id,
          replyLine: replyTimeLine(doctorName(room.doctor.name), room.doctor.replyDays),
          awayNotice: room.doctor.awayNow
            ? awayNoticeText(doctorName(room.doctor.name), room.doctor.awayNow, room.doctor.timeZone)
            : null,
          closedBy: room.closedBy,
          closesAt: formatDateTime(room.closesAt, tz),
          reopenDays: room.doctor.replyWindowDays,
        }}
        initial={{
          messages: page.messages.map(toMessageJson),
          hasEarlier: page.hasEarlier,
          otherReadSeq: room.other.readSeq,
        }}
      />
    </div>
  );
}
