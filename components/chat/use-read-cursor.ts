"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import { postJson } from "@/lib/client/fetch-json";
import { applyOwnRead } from "@/lib/client/query-keys";

/**
 * Moves this member's read cursor to `readableSeq` (the end of the unbroken run on screen: a
 * message not fetched yet is not read) while the tab is visible, and once it is shown again; a
 * failed mark is tried again at the next chance. Returns `markedUpTo(seq)`, for a cursor the server
 * already moved (a send from a thread that had seen everything before it moves the sender's).
 */
export function useReadCursor(roomId: string, readableSeq: number, initialReadSeq: number): (seq: number) => void {
  const queryClient = useQueryClient();
  const lastMarked = useRef(initialReadSeq);
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== "visible" || readableSeq <= lastMarked.current) return;
      const seq = readableSeq;
      lastMarked.current = seq;
      const retryLater = () => {
        lastMarked.current = Math.min(lastMarked.current, seq - 1);
      };
      // A route handler, not a server action: it runs for every message shown (see its route).
      void postJson<{ roomUnread: number; unreadTotal: number }>(`/api/rooms/${roomId}/read`, { seq }).then(
        (read) => applyOwnRead(queryClient, { roomId, ...read }),
        retryLater,
      );
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [readableSeq, roomId, queryClient]);
  return useCallback((seq: number) => {
    lastMarked.current = Math.max(lastMarked.current, seq);
  }, []);
}
