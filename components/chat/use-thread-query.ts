"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import type { ChatMessageJson } from "@/lib/chat/json";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys, refetchEvery } from "@/lib/client/query-keys";
import { mergeMessages, pollCursor } from "@/lib/client/thread-merge";

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

/**
 * The messages of one room as this tab holds them: seeded by the server, polled for what is new
 * (only after the unbroken run held), merged with what sending and earlier pages bring. Every
 * write merges into the latest cache, never replaces it.
 */
export function useThreadQuery(roomId: string, initial: ThreadData) {
  const queryClient = useQueryClient();
  const key = keys.thread(roomId);
  const held = useCallback(
    () => queryClient.getQueryData<ThreadData>(keys.thread(roomId)) ?? initial,
    [queryClient, roomId, initial],
  );

  const merge = useCallback(
    (incoming: ChatMessageJson[], patch: Partial<Omit<ThreadData, "messages">> = {}) => {
      queryClient.setQueryData<ThreadData>(keys.thread(roomId), (current) => {
        const base = current ?? initial;
        return {
          ...base,
          ...patch,
          otherReadSeq: Math.max(base.otherReadSeq, patch.otherReadSeq ?? 0),
          messages: mergeMessages(base.messages, incoming),
        };
      });
    },
    [queryClient, roomId, initial],
  );

  const query = useQuery({
    queryKey: key,
    initialData: initial,
    staleTime: 0,
    refetchInterval: refetchEvery("thread"),
    refetchOnWindowFocus: true,
    refetchOnReconnect: true,
    queryFn: async () => {
      for (let round = 0; round < 20; round++) {
        const answer = await fetchJson<PollAnswer>(
          `/api/rooms/${roomId}/messages?after=${pollCursor(held().messages)}`,
        );
        merge(answer.messages, { otherReadSeq: answer.otherReadSeq });
        if (!answer.hasMore) break;
      }
      return held();
    },
  });

  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [earlierError, setEarlierError] = useState<string | null>(null);
  /** One page of history before the first message held; resolves once it is merged. */
  async function loadEarlier(): Promise<void> {
    const first = held().messages[0]?.seq;
    if (!first) return;
    setLoadingEarlier(true);
    setEarlierError(null);
    try {
      const page = await fetchJson<{ messages: ChatMessageJson[]; hasEarlier: boolean }>(
        `/api/rooms/${roomId}/messages?before=${first}`,
      );
      merge(page.messages, { hasEarlier: page.hasEarlier });
    } catch (error) {
      setEarlierError(error instanceof Error ? error.message : "Could not load earlier messages.");
    } finally {
      setLoadingEarlier(false);
    }
  }

  return {
    data: query.data ?? initial,
    isError: query.isError,
    refetch: query.refetch,
    held,
    merge,
    earlier: { load: loadEarlier, loading: loadingEarlier, error: earlierError },
  };
}
