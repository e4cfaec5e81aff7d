/** Pure helpers for the client's copy of a thread: merging, gap detection, message state. */

export interface SeqMessage {
  seq: number;
}

/** The union of two sorted lists by sequence number: no duplicates, in order. */
export function mergeMessages<T extends SeqMessage>(held: readonly T[], incoming: readonly T[]): T[] {
  if (incoming.length === 0) return held as T[];
  const bySeq = new Map<number, T>();
  for (const m of held) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The sequence number to poll after: the end of the unbroken run from the first message held.
 * Sequence numbers have no gaps on the server, so a hole here means a message the client missed,
 * and polling from before it fetches it again.
 */
export function pollCursor(held: readonly SeqMessage[]): number {
  if (held.length === 0) return 0;
  let cursor = held[0]!.seq;
  for (let i = 1; i < held.length; i++) {
    if (held[i]!.seq !== cursor + 1) break;
    cursor = held[i]!.seq;
  }
  return cursor;
}

export type DeliveryState = "sending" | "sent" | "read" | "failed";

export function deliveryState(message: SeqMessage, otherReadSeq: number): DeliveryState {
  return message.seq <= otherReadSeq ? "read" : "sent";
}

/** Whether a thread's copy already holds message `seq` in its unbroken run (nothing to fetch for it). */
export function threadHolds(thread: { messages: readonly SeqMessage[] } | undefined, seq: number): boolean {
  return thread !== undefined && pollCursor(thread.messages) >= seq;
}
