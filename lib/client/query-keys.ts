import type { QueryClient } from "@tanstack/react-query";
import type { ConversationPageJson } from "@/lib/chat/json";
import { liveStreamIsUp } from "./live-status";

/** React Query keys, from one place so invalidations match what queries use. */
export const keys = {
  thread: (roomId: string) => ["thread", roomId] as const,
  conversations: () => ["conversations"] as const,
  unread: () => ["unread"] as const,
  recentMessages: () => ["recent-messages"] as const,
};

/**
 * Refetches what counts and lists messages (unread total, conversation list, recent messages):
 * after a read cursor moves, a message arrives or an appointment opens or closes a room.
 */
export function invalidateCounters(queryClient: QueryClient): void {
  for (const key of [keys.unread(), keys.conversations(), keys.recentMessages()])
    void queryClient.invalidateQueries({ queryKey: key });
}

/**
 * A read cursor moved (this tab's own mark, or the person's read event from another tab): the
 * unread total comes with it, the room's count in the conversation list is patched where the list
 * is held, and only recent messages (their unread flags) are fetched again, if shown. No refetch
 * of what the answer already says.
 */
export function applyOwnRead(
  queryClient: QueryClient,
  read: { roomId: string; unreadTotal: number; roomUnread?: number },
): void {
  queryClient.setQueryData(keys.unread(), read.unreadTotal);
  if (read.roomUnread !== undefined) {
    const roomUnread = read.roomUnread;
    queryClient.setQueryData<ConversationPageJson>(keys.conversations(), (page) =>
      page
        ? {
            ...page,
            conversations: page.conversations.map((c) => (c.roomId === read.roomId ? { ...c, unread: roomUnread } : c)),
          }
        : page,
    );
  } else {
    void queryClient.invalidateQueries({ queryKey: keys.conversations() });
  }
  void queryClient.invalidateQueries({ queryKey: keys.recentMessages() });
}

/** Polling, the fallback: every 10 s (threads) and 30 s (counters) while live updates are down. */
export const REFETCH = {
  thread: 10_000,
  counters: 30_000,
} as const;

/** While the live stream is up it brings every change; polling only backs it up. */
export const REFETCH_WITH_PUSH = {
  thread: 120_000,
  counters: 300_000,
} as const;

/** A `refetchInterval` for React Query that follows the live stream's state. */
export const refetchEvery = (kind: keyof typeof REFETCH) => () =>
  liveStreamIsUp() ? REFETCH_WITH_PUSH[kind] : REFETCH[kind];
