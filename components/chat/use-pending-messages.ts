"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AttachmentJson } from "@/lib/attachments/views";
import type { ChatMessageJson } from "@/lib/chat/json";

export interface PendingMessage {
  clientId: string;
  body: string;
  /** Files uploaded for it; a retry sends the same ids, which the server attaches once. */
  attachments?: AttachmentJson[];
  createdAt: string;
  status: "sending" | "failed";
  error?: string;
}

type SendResult = { ok: true } | { ok: false; message: string };

const storageKey = (roomId: string, meId: string) => `carebridge:unsent:${meId}:${roomId}`;

/**
 * Messages this tab has sent but the server has not confirmed. They stay, marked failed with a
 * retry, until confirmed or discarded, and survive a reload (localStorage), so no text is lost.
 * Retrying reuses the message's client id, which the server stores once.
 */
export function usePendingMessages({
  roomId,
  meId,
  confirmed,
  send,
}: {
  roomId: string;
  meId: string;
  confirmed: ChatMessageJson[];
  send: (message: PendingMessage) => Promise<SendResult>;
}) {
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const restored = useRef(false);

  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey(roomId, meId)) ?? "[]") as PendingMessage[];
      if (Array.isArray(saved) && saved.length > 0) {
        // A send cut off by a reload may or may not have arrived: offer a retry, which is safe.
        // Read after mount (localStorage is the browser's), so the server render stays the same.
        // eslint-disable-next-line react-hooks/set-state-in-effect
        setPending(saved.map((p) => ({ ...p, status: "failed", error: "Not confirmed before the page closed." })));
      }
    } catch {
      // unreadable storage: nothing to restore
    }
  }, [roomId, meId]);

  // The server's copy wins: one it has confirmed (by the action's answer or a poll) is not pending.
  const confirmedIds = useMemo(
    () => new Set(confirmed.filter((m) => m.senderId === meId).map((m) => m.clientId)),
    [confirmed, meId],
  );
  const visible = useMemo(() => pending.filter((p) => !confirmedIds.has(p.clientId)), [pending, confirmedIds]);

  useEffect(() => {
    if (!restored.current) return;
    try {
      if (visible.length === 0) localStorage.removeItem(storageKey(roomId, meId));
      else localStorage.setItem(storageKey(roomId, meId), JSON.stringify(visible));
    } catch {
      // storage full or denied: the messages stay in memory
    }
  }, [visible, roomId, meId]);

  const attempt = useCallback(
    async (message: PendingMessage) => {
      let result: SendResult;
      try {
        result = await send(message);
      } catch {
        result = { ok: false, message: "Not sent: check your connection, then retry." };
      }
      setPending((ps) =>
        result.ok
          ? ps.filter((p) => p.clientId !== message.clientId)
          : ps.map((p) => (p.clientId === message.clientId ? { ...p, status: "failed", error: result.message } : p)),
      );
    },
    [send],
  );

  const sendNew = useCallback(
    (body: string, attachments: AttachmentJson[] = []) => {
      const message: PendingMessage = {
        clientId: crypto.randomUUID(),
        body,
        attachments,
        createdAt: new Date().toISOString(),
        status: "sending",
      };
      setPending((ps) => [...ps, message]);
      void attempt(message);
    },
    [attempt],
  );

  const retry = useCallback(
    (clientId: string) => {
      const message = pending.find((p) => p.clientId === clientId);
      if (!message) return;
      setPending((ps) => ps.map((p) => (p.clientId === clientId ? { ...p, status: "sending", error: undefined } : p)));
      void attempt({ ...message, status: "sending" });
    },
    [pending, attempt],
  );

  const discard = useCallback((clientId: string) => setPending((ps) => ps.filter((p) => p.clientId !== clientId)), []);

  return { pending: visible, sendNew, retry, discard };
}
