"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { markReadAction, sendMessageAction } from "@/app/chat/actions";
import { Button } from "@/components/ui/button";
import type { ChatMessageJson } from "@/lib/chat/json";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys, refetchEvery } from "@/lib/client/query-keys";
import { deliveryState, mergeMessages, pollCursor, type DeliveryState } from "@/lib/client/thread-merge";
import { Composer } from "./composer";
import { MessageItem } from "./message-item";
import { usePendingMessages } from "./use-pending-messages";

export interface ThreadData {
  messages: ChatMessageJson[];
  hasEarlier: boolean;
  otherReadSeq: number;
}

interface PollAnswer {
  messages: ChatMessageJson[];
  otherReadSeq: number;
  hasMore: boolean;
}

const NEAR_BOTTOM_PX = 48;

/** The thread of one room: history, polling for what is new, sending with retry, read cursor. */
export function Thread({
  roomId,
  meId,
  otherName,
  open,
  myReadSeq,
  timeZone,
  initial,
}: {
  roomId: string;
  meId: string;
  otherName: string;
  open: boolean;
  myReadSeq: number;
  timeZone: string;
  initial: ThreadData;
}) {
  const queryClient = useQueryClient();
  const key = keys.thread(roomId);

  /** Every write to the thread merges into the latest cache, never replaces it. */
  const mergeIntoCache = useCallback(
    (incoming: ChatMessageJson[], patch: Partial<Omit<ThreadData, "messages">> = {}) => {
      queryClient.setQueryData<ThreadData>(key, (current) => {
        const base = current ?? initial;
        return {
          ...base,
          ...patch,
          otherReadSeq: Math.max(base.otherReadSeq, patch.otherReadSeq ?? 0),
          messages: mergeMessages(base.messages, incoming),
        };
      });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [queryClient, roomId],
  );

  const {
    data = initial,
    isError,
    refetch,
  } = useQuery({
    queryKey: key,
    initialData: initial,
    staleTime: 0,
    refetchInterval: refetchEvery("thread"),
    refetchOnWindowFocus: true,
    refetchOnReconnect: true,
    queryFn: async () => {
      // Polls only what is new: messages after the end of the unbroken run the client holds.
      for (let round = 0; round < 20; round++) {
        const held = queryClient.getQueryData<ThreadData>(key) ?? initial;
        const answer = await fetchJson<PollAnswer>(`/api/rooms/${roomId}/messages?after=${pollCursor(held.messages)}`);
        mergeIntoCache(answer.messages, { otherReadSeq: answer.otherReadSeq });
        if (!answer.hasMore) break;
      }
      return queryClient.getQueryData<ThreadData>(key) ?? initial;
    },
  });

  const { pending, sendNew, retry, discard } = usePendingMessages({
    roomId,
    meId,
    confirmed: data.messages,
    send: async (message) => {
      const held = queryClient.getQueryData<ThreadData>(key) ?? initial;
      const result = await sendMessageAction({
        roomId,
        clientId: message.clientId,
        body: message.body,
        seenSeq: pollCursor(held.messages),
      });
      if (result.ok) mergeIntoCache([result.data]);
      return result.ok ? { ok: true } : { ok: false, message: result.message };
    },
  });

  // ------------------------------------------------------------ read cursor
  // Only up to the end of the unbroken run held: a message not fetched yet is not read.
  const lastMarked = useRef(myReadSeq);
  const newestSeq = data.messages.at(-1)?.seq ?? 0;
  const readableSeq = pollCursor(data.messages);
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== "visible" || readableSeq <= lastMarked.current) return;
      const seq = readableSeq;
      lastMarked.current = seq;
      const retryLater = () => {
        lastMarked.current = Math.min(lastMarked.current, seq - 1);
      };
      void markReadAction({ roomId, seq }).then((result) => {
        if (!result.ok) {
          retryLater();
          return;
        }
        void queryClient.invalidateQueries({ queryKey: keys.conversations() });
        void queryClient.invalidateQueries({ queryKey: keys.unread() });
        void queryClient.invalidateQueries({ queryKey: keys.recentMessages() });
      }, retryLater);
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [readableSeq, roomId, queryClient]);

  // ------------------------------------------------------------ scrolling
  // Follows new messages while the reader is at the bottom; once they scroll up, a button offers
  // the new ones instead of pulling the page from under them.
  const scroller = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [seenSeq, setSeenSeq] = useState(newestSeq);
  const showJump = !atBottom && newestSeq > seenSeq;
  const lastCount = useRef({ seq: newestSeq, pending: pending.length });

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  useLayoutEffect(() => {
    scrollToBottom();
  }, [scrollToBottom]);

  useLayoutEffect(() => {
    const before = lastCount.current;
    lastCount.current = { seq: newestSeq, pending: pending.length };
    const mineAdded = pending.length > before.pending;
    if ((newestSeq !== before.seq || mineAdded) && (atBottomRef.current || mineAdded)) scrollToBottom();
  }, [newestSeq, pending.length, scrollToBottom]);

  // ------------------------------------------------------------ history
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [earlierError, setEarlierError] = useState<string | null>(null);
  async function loadEarlier() {
    const first = data.messages[0]?.seq;
    if (!first) return;
    setLoadingEarlier(true);
    setEarlierError(null);
    const el = scroller.current;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    try {
      const page = await fetchJson<{ messages: ChatMessageJson[]; hasEarlier: boolean }>(
        `/api/rooms/${roomId}/messages?before=${first}`,
      );
      mergeIntoCache(page.messages, { hasEarlier: page.hasEarlier });
      requestAnimationFrame(() => {
        if (el) el.scrollTop = el.scrollHeight - fromBottom;
      });
    } catch (error) {
      setEarlierError(error instanceof Error ? error.message : "Could not load earlier messages.");
    } finally {
      setLoadingEarlier(false);
    }
  }

  const [openedAtSeq] = useState(newestSeq);
  const latestIncoming = data.messages.findLast((m) => m.senderId !== meId && m.seq > openedAtSeq);

  const stateOf = (m: ChatMessageJson): DeliveryState | null =>
    m.senderId === meId ? deliveryState(m, data.otherReadSeq) : null;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="relative flex min-h-0 flex-1 flex-col">
        <div
          ref={scroller}
          onScroll={(e) => {
            const el = e.currentTarget;
            const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
            atBottomRef.current = bottom;
            setAtBottom(bottom);
            if (bottom) setSeenSeq(newestSeq);
          }}
          className="min-h-0 flex-1 overflow-y-auto px-3 py-4 sm:px-4"
          tabIndex={0}
          aria-label={`Conversation with ${otherName}`}
          role="region"
        >
          <div className="mb-4 flex flex-col items-center gap-1">
            {data.hasEarlier ? (
              <Button variant="secondary" size="sm" onClick={loadEarlier} disabled={loadingEarlier}>
                {loadingEarlier ? "Loading…" : "Load earlier messages"}
              </Button>
            ) : data.messages.length > 0 ? (
              <p className="text-xs text-slate-600">This is the start of your conversation.</p>
            ) : null}
            {earlierError ? (
              <p role="alert" className="text-sm text-red-700">
                {earlierError}
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
                  state={stateOf(m)}
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
                />
              ))}
            </ol>
          </div>
        </div>
        <p className="sr-only" aria-live="polite">
          {latestIncoming ? `${otherName} wrote: ${latestIncoming.body}` : ""}
        </p>
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
        <p className="mb-2 text-xs text-slate-700">
          <strong>Not for emergencies.</strong> In an emergency, call your local emergency number.
        </p>
        {open ? (
          <Composer onSend={sendNew} />
        ) : (
          <p role="status" className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-800">
            This appointment was cancelled, so the conversation is closed. You can still read it.
          </p>
        )}
      </div>
    </div>
  );
}
