"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { subscribeTyping, typingAt } from "@/lib/client/typing";
import { TYPING } from "@/lib/shared/model";

/**
 * Whether the other member of the room is typing: from their last signal until it expires (a
 * closed tab sends no "stopped") or their message arrives.
 */
export function useOtherTyping(roomId: string): boolean {
  const at = useSyncExternalStore(
    subscribeTyping,
    () => typingAt(roomId),
    () => 0,
  );
  const [expiredAt, setExpiredAt] = useState(0);
  useEffect(() => {
    if (at === 0) return;
    const timer = setTimeout(() => setExpiredAt(at), Math.max(0, at + TYPING.expireMs - Date.now()));
    return () => clearTimeout(timer);
  }, [at]);
  return at > 0 && expiredAt !== at;
}
