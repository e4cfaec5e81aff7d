import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/appointments/status-badge";
import { Thread } from "@/components/chat/thread";
import { recordAudit } from "@/lib/audit";
import { threadPage } from "@/lib/chat/messages";
import { toMessageJson } from "@/lib/chat/json";
import { formatDateTime } from "@/lib/shared/format";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { loadRoom } from "./load-room";
import { displayName } from "@/lib/shared/display-name";

export const metadata: Metadata = { title: "Conversation" };

export default async function RoomPage({ params }: { params: Promise<{ roomId: string }> }) {
  const { user, room } = await loadRoom((await params).roomId);
  const [page, tz] = await Promise.all([
    threadPage({ roomId: room.id, userId: user.id }),
    viewerTimeZone(),
    // Who read which conversation, and when: each time the thread is served.
    recordAudit({ actorId: user.id, action: "chat.thread_opened", targetType: "room", targetId: room.id }),
  ]);
  const otherName = displayName(room.other);
  return (
    <div className="-mx-4 -my-6 flex h-[calc(100dvh-7rem)] min-h-[26rem] flex-col bg-slate-50 sm:mx-0 sm:my-0 sm:h-[calc(100dvh-10rem)] sm:rounded-lg sm:border sm:border-slate-200 sm:bg-white">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-3 sm:rounded-t-lg">
        <div className="min-w-0">
          <h1 className="truncate text-lg font-semibold text-slate-900">{otherName}</h1>
          <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
            {room.other.specialty ? <span>{room.other.specialty} ·</span> : null}
            <span>Appointment {formatDateTime(room.appointmentStartsAt, tz)}</span>
            <StatusBadge status={room.appointmentStatus} />
          </p>
        </div>
        <Link href="/chat" className="text-sm font-medium text-brand-700 underline">
          All conversations
        </Link>
      </div>
      <Thread
        key={room.id}
        roomId={room.id}
        meId={user.id}
        otherName={otherName}
        open={room.open}
        myReadSeq={room.myReadSeq}
        timeZone={tz}
        initial={{
          messages: page.messages.map(toMessageJson),
          hasEarlier: page.hasEarlier,
          otherReadSeq: room.other.readSeq,
        }}
      />
    </div>
  );
}
