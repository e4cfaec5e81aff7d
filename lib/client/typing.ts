import { TYPING } from "@/lib/shared/model";

/**
 * The typing indicator in the browser: when the other member of each room last said they were
 * typing (from the live stream), and this person's own signals, throttled. Nothing here is kept
 * beyond the tab.
 */
const lastTypingAt = new Map<string, number>();
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((listener) => listener());

/** The other member of `roomId` is typing (a live event). */
export function noteTyping(roomId: string, now: number = Date.now()): void {
  lastTypingAt.set(roomId, now);
  changed();
}

/** Their message arrived: they are no longer typing it. */
export function clearTyping(roomId: string): void {
  if (lastTypingAt.delete(roomId)) changed();
}

/** When the other member of `roomId` last typed, or 0. */
export const typingAt = (roomId: string): number => lastTypingAt.get(roomId) ?? 0;

export function subscribeTyping(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * This person's typing in one room, sent at most once per throttle period: the first keystroke of
 * a burst goes out at once, the rest only keep it alive. A failure is ignored (it is a courtesy).
 */
export function typingSender(
  roomId: string,
  post: (url: string) => Promise<unknown> = (url) => fetch(url, { method: "POST" }),
  now: () => number = Date.now,
): (text: string) => void {
  let lastSent = -Infinity;
  return (text) => {
    if (text.trim() === "") return;
    const at = now();
    if (at - lastSent < TYPING.throttleMs) return;
    lastSent = at;
    void post(`/api/rooms/${encodeURIComponent(roomId)}/typing`).catch(() => {});
  };
}
