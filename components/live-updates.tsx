"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { LiveConnection, type ProbeResult } from "@/lib/client/live-connection";
import type { ConversationPageJson } from "@/lib/chat/json";
import {
  browserNotificationsState,
  portalOutOfSight,
  showNewMessageNotification,
} from "@/lib/client/browser-notifications";
import { fetchJson } from "@/lib/client/fetch-json";
import { clearTyping, noteTyping } from "@/lib/client/typing";
import { afterOwnSends } from "@/lib/client/own-sends";
import { threadHolds } from "@/lib/client/thread-merge";
import { applyOwnRead, invalidateCounters, keys } from "@/lib/client/query-keys";
import type { ThreadData } from "@/components/chat/use-thread-query";
import { displayName } from "@/lib/shared/display-name";
import type { LiveEvent } from "@/lib/live/events";

let connection: LiveConnection | null = null;

async function probeSession(): Promise<ProbeResult> {
  try {
    const response = await fetch("/api/unread", { cache: "no-store" });
    return response.status === 401 ? "signed-out" : response.ok ? "signed-in" : "unreachable";
  } catch {
    return "unreachable";
  }
}

/** Closes this tab's stream, e.g. as it signs out, so the end of the session is not taken for news. */
export function stopLiveUpdates(): void {
  connection?.stop();
  connection = null;
}

/**
 * A system notification for a message from the other person while the portal is out of sight (and
 * only if the person turned them on in settings). It names the sender, found in the conversation
 * list, where the room just became the newest; never what was written.
 */
async function notifyIfAway(roomId: string, seq: number, open: (path: string) => void): Promise<void> {
  if (browserNotificationsState() !== "on" || !portalOutOfSight()) return;
  try {
    const page = await fetchJson<ConversationPageJson>("/api/conversations");
    const room = page.conversations.find((c) => c.roomId === roomId);
    if (room) showNewMessageNotification({ roomId, seq, senderName: displayName(room.other), open });
  } catch {
    // The badge and the tab title still say it; a notification is a courtesy.
  }
}

/** This tab's one live-update stream, shared by every page of the signed-in patient or doctor. */
function sharedConnection(): LiveConnection {
  connection ??= new LiveConnection({ url: "/api/events", open: (url) => new EventSource(url), probe: probeSession });
  return connection;
}

/**
 * Applies live updates to what the page holds: React Query data is refetched through the same
 * endpoints the polls use; server-rendered lists (appointments) are refreshed.
 */
export function LiveUpdates({ meId }: { meId: string }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  useEffect(() => {
    const counters = () => invalidateCounters(queryClient);
    const apply = (event: LiveEvent) => {
      switch (event.type) {
        case "message":
          // An open thread fetches what came after what it holds; the badge takes its total from
          // the event; lists that are shown refetch (they show the newest message).
          // The sender's own thread holds it once the send has answered (merged from the answer), so
          // an event of its own message waits for this tab's sends: then there is nothing to fetch.
          const fetchUnlessHeld = () => {
            if (!threadHolds(queryClient.getQueryData<ThreadData>(keys.thread(event.roomId)), event.seq))
              void queryClient.invalidateQueries({ queryKey: keys.thread(event.roomId) });
          };
          if (event.from === meId) afterOwnSends(event.roomId, fetchUnlessHeld);
          else fetchUnlessHeld();
          if (event.unread === undefined) counters();
          else {
            queryClient.setQueryData(keys.unread(), event.unread);
            for (const key of [keys.conversations(), keys.recentMessages()])
              void queryClient.invalidateQueries({ queryKey: key });
          }
          if (event.from !== meId) {
            clearTyping(event.roomId);
            void notifyIfAway(event.roomId, event.seq, (path) => router.push(path));
          }
          break;
        case "typing":
          if (event.userId !== meId) noteTyping(event.roomId);
          break;
        case "read":
          if (event.userId !== meId) {
            // The other member's receipt: only the thread's ticks change, no request.
            queryClient.setQueryData<ThreadData>(keys.thread(event.roomId), (thread) =>
              thread ? { ...thread, otherReadSeq: Math.max(thread.otherReadSeq, event.seq) } : thread,
            );
          } else if (event.unread !== undefined)
            applyOwnRead(queryClient, { roomId: event.roomId, unreadTotal: event.unread });
          else counters();
          break;
        case "appointment":
        case "room":
          void queryClient.invalidateQueries({ queryKey: keys.conversations() });
          router.refresh();
          break;
        case "resync":
          void queryClient.invalidateQueries();
          router.refresh();
          break;
      }
    };
    return sharedConnection().acquire({
      connected(since, reconnect) {
        // Whatever was fetched before the stream was listening may have missed an event.
        void queryClient.invalidateQueries({ predicate: (query) => query.state.dataUpdatedAt < since });
        if (reconnect) router.refresh();
      },
      event: apply,
      // Polling takes over at its short intervals, starting with a refetch now.
      disconnected: () => void queryClient.invalidateQueries(),
      sessionOver() {
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign("/login?ended=1");
      },
    });
  }, [queryClient, router, meId]);
  return null;
}
