"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { saveDraftAction, sendMessageAction } from "@/app/chat/actions";
import { Button } from "@/components/ui/button";
import type { ChatMessageJson } from "@/lib/chat/json";
import type { AttachmentLimits } from "@/lib/shared/attachments";
import { trackSend } from "@/lib/client/own-sends";
import { deliveryState, pollCursor, type DeliveryState } from "@/lib/client/thread-merge";
import { ExpectationNotice, WindowClosedNotice, type ThreadCare } from "./care-notices";
import { Composer } from "./composer";
import { MessageItem } from "./message-item";
import { useAttachmentUploads } from "./use-attachment-uploads";
import { useFollowScroll } from "./use-follow-scroll";
import { usePendingMessages } from "./use-pending-messages";
import { useReadCursor } from "./use-read-cursor";
import { useThreadQuery, type ThreadData } from "./use-thread-query";
import { useOtherTyping } from "./use-other-typing";
import { typingSender } from "@/lib/client/typing";

export type { ThreadData };

/** The thread of one room: history, what is new, sending with retry, the read cursor. */
export function Thread({
  roomId,
  meId,
  otherName,
  open,
  myReadSeq,
  timeZone,
  initial,
  limits,
  care,
  focusSeq,
  draft = "",
}: {
  roomId: string;
  meId: string;
  otherName: string;
  open: boolean;
  myReadSeq: number;
  timeZone: string;
  initial: ThreadData;
  limits: AttachmentLimits;
  care: ThreadCare;
  /** Opened from a search result: this message is scrolled into view and marked. */
  focusSeq?: number;
  /** The member's unsent draft of this room, saved on the server. */
  draft?: string;
}) {
  const uploads = useAttachmentUploads(roomId, limits);
  const [dragging, setDragging] = useState(false);
  const { data, isError, refetch, held, merge, earlier } = useThreadQuery(roomId, initial);
  const markedUpTo = useReadCursor(roomId, pollCursor(data.messages), myReadSeq);

  const { pending, sendNew, retry, discard } = usePendingMessages({
    roomId,
    meId,
    confirmed: data.messages,
    send: (message) =>
      trackSend(roomId, async () => {
        const seenSeq = pollCursor(held().messages);
        const result = await sendMessageAction({
          roomId,
          clientId: message.clientId,
          body: message.body,
          attachmentIds: message.attachments?.map((a) => a.id),
          seenSeq,
        });
        if (result.ok) {
          merge([result.data]);
          // Sent right after all it had seen: the send moved this member's cursor past it already.
          if (result.data.seq === seenSeq + 1) markedUpTo(result.data.seq);
        }
        return result.ok ? { ok: true as const } : { ok: false as const, message: result.message };
      }),
  });

  const newestSeq = data.messages.at(-1)?.seq ?? 0;
  const { scroller, onScroll, scrollToBottom, showJump, keepPositionWhile } = useFollowScroll(
    newestSeq,
    pending.length,
  );
  const loadEarlier = () => keepPositionWhile(earlier.load);
  useFocusMessage(scroller, focusSeq, initial.messages);
  const saveDraftSoon = useDraftSaver(roomId);
  const signalTyping = useMemo(() => typingSender(roomId), [roomId]);
  const otherTyping = useOtherTyping(roomId);

  const [openedAtSeq] = useState(newestSeq);
  const latestIncoming = data.messages.findLast((m) => m.senderId !== meId && m.seq > openedAtSeq);
  const sentHere = pending.length > 0 || data.messages.some((m) => m.senderId === meId && m.seq > openedAtSeq);

  const stateOf = (m: ChatMessageJson): DeliveryState | null =>
    m.senderId === meId ? deliveryState(m, data.otherReadSeq) : null;

  return (
    <div
      className="flex min-h-0 flex-1 flex-col"
      onDragOver={(e) => {
        if (!open || !e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (!open || e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        uploads.add([...e.dataTransfer.files]);
      }}
    >
      <div className={`relative flex min-h-0 flex-1 flex-col ${dragging ? "ring-4 ring-brand-700 ring-inset" : ""}`}>
        <div
          ref={scroller}
          onScroll={onScroll}
          className="min-h-0 flex-1 overflow-y-auto px-3 py-4 sm:px-4"
          tabIndex={0}
          aria-label={`Conversation with ${otherName}`}
          role="region"
        >
          <div className="mb-4 flex flex-col items-center gap-1">
            {data.hasEarlier ? (
              <Button variant="secondary" size="sm" onClick={loadEarlier} disabled={earlier.loading}>
                {earlier.loading ? "Loading…" : "Load earlier messages"}
              </Button>
            ) : data.messages.length > 0 ? (
              <p className="text-xs text-slate-600">This is the start of your conversation.</p>
            ) : null}
            {earlier.error ? (
              <p role="alert" className="text-sm text-red-700">
                {earlier.error}
              </p>
            ) : null}
          </div>
          {data.messages.length === 0 && pending.length === 0 ? (
            <p className="py-10 text-center text-sm text-slate-600">No messages yet. Say hello to {otherName}.</p>
          ) : null}
          {/* History is not read aloud when it loads; only new messages from the other person are. */}
          <div role="log" aria-live="off" aria-label="Messages">
            <ol className="flex flex-col gap-3">
              {data.messages.map((m) => (
                <MessageItem
                  key={m.senderId === meId ? `c${m.clientId}` : `s${m.seq}`}
                  mine={m.senderId === meId}
                  senderName={m.senderId === meId ? "You" : otherName}
                  body={m.body}
                  createdAt={m.createdAt}
                  timeZone={timeZone}
                  state={m.kind === "message" ? stateOf(m) : null}
                  attachments={m.attachments}
                  photoFrom={m.senderId === meId ? "you" : otherName}
                  kind={m.kind}
                />
              ))}
              {pending.map((p) => (
                <MessageItem
                  key={`c${p.clientId}`}
                  mine
                  senderName="You"
                  body={p.body}
                  createdAt={p.createdAt}
                  timeZone={timeZone}
                  state={p.status}
                  error={p.error}
                  onRetry={() => retry(p.clientId)}
                  onDiscard={() => discard(p.clientId)}
                  attachments={p.attachments}
                  photoFrom="you"
                />
              ))}
            </ol>
          </div>
        </div>
        <p className="sr-only" aria-live="polite">
          {latestIncoming
            ? latestIncoming.body
              ? `${otherName} wrote: ${latestIncoming.body}`
              : `${otherName} sent ${latestIncoming.attachments.length === 1 ? "a file" : `${latestIncoming.attachments.length} files`}.`
            : ""}
        </p>
        {dragging ? (
          <div className="pointer-events-none absolute inset-0 flex items-center justify-center bg-white/80">
            <p className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white shadow-md">
              Drop files to attach them
            </p>
          </div>
        ) : null}
        {showJump ? (
          <div className="pointer-events-none absolute inset-x-0 bottom-3 flex justify-center">
            <Button size="sm" className="pointer-events-auto shadow-md" onClick={scrollToBottom}>
              New messages ↓
            </Button>
          </div>
        ) : null}
      </div>
      {isError ? (
        <div
          role="status"
          className="flex flex-wrap items-center justify-between gap-2 border-t border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
        >
          Could not check for new messages. We will keep trying.
          <Button variant="secondary" size="sm" onClick={() => void refetch()}>
            Try now
          </Button>
        </div>
      ) : null}
      <div className="border-t border-slate-200 bg-white px-3 py-3 sm:px-4">
        {/* Read out once per burst: the text stays the same while the signals keep it alive. */}
        <p role="status" className="mb-1 min-h-4 text-xs text-slate-600 italic">
          {open && otherTyping ? `${otherName} is typing…` : ""}
        </p>
        {open ? <ExpectationNotice care={care} /> : null}
        <p className="mb-2 text-xs text-slate-700">
          <strong>Not for emergencies.</strong> In an emergency, call your local emergency number.
          {/* Said again once the patient has sent something here (as MyChart does). */}
          {care.viewer === "patient" && sentHere ? <> Sent. {care.replyLine}</> : null}
        </p>
        {open ? (
          <Composer
            onSend={sendNew}
            uploads={uploads}
            initialText={draft}
            onTextChange={(text) => {
              saveDraftSoon(text);
              signalTyping(text);
            }}
          />
        ) : care.closedBy === "window" ? (
          <WindowClosedNotice care={care} roomId={roomId} />
        ) : (
          <p role="status" className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-800">
            This appointment was cancelled, so the conversation is closed. You can still read it.
          </p>
        )}
      </div>
    </div>
  );
}

/** Scrolls a search result's message into view once, and marks it until the reader moves on. */
function useFocusMessage(
  scroller: React.RefObject<HTMLDivElement | null>,
  focusSeq: number | undefined,
  initialMessages: ChatMessageJson[],
) {
  useEffect(() => {
    if (focusSeq === undefined) return;
    const index = initialMessages.findIndex((m) => m.seq === focusSeq);
    const item = scroller.current?.querySelector("[role=log] ol")?.children[index] as HTMLElement | undefined;
    if (index < 0 || !item) return;
    item.scrollIntoView({ block: "center" });
    item.dataset.found = "true";
    item.classList.add("rounded-lg", "ring-2", "ring-amber-400", "ring-offset-2");
    // Run once, on the page as the server sent it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}

const DRAFT_SAVE_MS = 1000;

/** Saves the composer's text as the room's draft a second after typing stops (and when the tab hides). */
function useDraftSaver(roomId: string): (text: string) => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef<string | null>(null);
  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (latest.current === null) return;
    const body = latest.current;
    latest.current = null;
    // A failed save is not worth interrupting the writer for: the next keystroke tries again.
    void saveDraftAction({ roomId, body }).catch(() => {});
  }, [roomId]);
  useEffect(() => {
    const onHide = () => document.visibilityState === "hidden" && flush();
    document.addEventListener("visibilitychange", onHide);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      flush();
    };
  }, [flush]);
  return useCallback(
    (text: string) => {
      latest.current = text;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, DRAFT_SAVE_MS);
    },
    [flush],
  );
}
