"use client";

import { useCallback, useLayoutEffect, useRef, useState, type UIEvent } from "react";

const NEAR_BOTTOM_PX = 48;

/**
 * Keeps a message list at its newest message while the reader is at the bottom; once they scroll
 * up, new messages wait behind a "New messages" button instead of pulling the page from under
 * them. The reader's own new message always scrolls into view.
 */
export function useFollowScroll(newestSeq: number, pendingCount: number) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [seenSeq, setSeenSeq] = useState(newestSeq);
  const lastCount = useRef({ seq: newestSeq, pending: pendingCount });

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  useLayoutEffect(() => {
    scrollToBottom();
  }, [scrollToBottom]);

  useLayoutEffect(() => {
    const before = lastCount.current;
    lastCount.current = { seq: newestSeq, pending: pendingCount };
    const mineAdded = pendingCount > before.pending;
    if ((newestSeq !== before.seq || mineAdded) && (atBottomRef.current || mineAdded)) scrollToBottom();
  }, [newestSeq, pendingCount, scrollToBottom]);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    atBottomRef.current = bottom;
    setAtBottom(bottom);
    if (bottom) setSeenSeq(newestSeq);
  };

  /** Runs `grow` (which adds content above) and keeps what the reader sees in place. */
  async function keepPositionWhile(grow: () => Promise<void>): Promise<void> {
    const el = scroller.current;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    await grow();
    requestAnimationFrame(() => {
      if (el) el.scrollTop = el.scrollHeight - fromBottom;
    });
  }

  return { scroller, onScroll, scrollToBottom, showJump: !atBottom && newestSeq > seenSeq, keepPositionWhile };
}
