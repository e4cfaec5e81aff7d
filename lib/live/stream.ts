import "server-only";
import { describeError } from "@/lib/errors";
import type { LiveEvent } from "./events";
import type { LiveHub } from "./hub";

export const HEARTBEAT_MS = 25_000;
/** A stream is re-opened now and then, so a session that expired meanwhile is checked again. */
export const MAX_STREAM_MS = 60 * 60_000;
/** What a browser waits before reconnecting on its own (the client adds its own backoff). */
const RETRY_MS = 3_000;

/** The stream's own response headers (the security headers come with every response). */
export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store, no-transform",
  connection: "keep-alive",
  // Proxies such as nginx would otherwise hold the events back in a buffer.
  "x-accel-buffering": "no",
} as const;

const encoder = new TextEncoder();
const RETRY_FRAME = encoder.encode(`retry: ${RETRY_MS}\n\n`);
const HEARTBEAT_FRAME = encoder.encode(": heartbeat\n\n");

/**
 * Each event's SSE frame, encoded once: every stream that gets the same event object (all streams
 * of one user, and every user for an event without a per-user part) enqueues the same bytes
 * instead of serializing and encoding its own copy. Streams only read the chunks they are given.
 */
const frames = new WeakMap<LiveEvent, Uint8Array>();
export function frameOf(event: LiveEvent): Uint8Array {
  let bytes = frames.get(event);
  if (!bytes) frames.set(event, (bytes = encoder.encode(`data: ${JSON.stringify(event)}\n\n`)));
  return bytes;
}
const READY_FRAME = frameOf({ type: "ready" });

/**
 * The Server-Sent Events stream of one signed-in user. Everything it holds (the subscription,
 * the timers) is released by one idempotent cleanup, hooked both to the request's abort signal
 * (what `next start` fires on disconnect) and to the stream's cancel.
 */
export function liveEventStream(input: {
  userId: string;
  /** The stream's session: a sign-out of another session of the same user leaves it open. */
  sessionId?: string;
  hub: LiveHub;
  signal: AbortSignal;
  heartbeatMs?: number;
  maxMs?: number;
}): ReadableStream<Uint8Array> {
  let cleanup: () => void = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let unsubscribe: (() => void) | null = null;
      const timers: NodeJS.Timeout[] = [];
      cleanup = () => {
        if (closed) return;
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        unsubscribe?.();
        unsubscribe = null;
        input.signal.removeEventListener("abort", cleanup);
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      const send = (chunk: Uint8Array) => {
        if (closed) return;
        try {
          controller.enqueue(chunk);
        } catch {
          cleanup();
        }
      };
      input.signal.addEventListener("abort", cleanup);
      if (input.signal.aborted) return cleanup();

      send(RETRY_FRAME);
      try {
        const off = await input.hub.subscribe(input.userId, (event) => {
          if (event.type === "session-ended" && event.sessionId && event.sessionId !== input.sessionId) return;
          send(frameOf(event));
          if (event.type === "session-ended") cleanup();
        });
        // The client may have left while we subscribed.
        if (closed) return off();
        unsubscribe = off;
      } catch (error) {
        console.error("Could not subscribe to live updates:", describeError(error));
        return cleanup();
      }
      send(READY_FRAME);
      const heartbeat = setInterval(() => send(HEARTBEAT_FRAME), input.heartbeatMs ?? HEARTBEAT_MS);
      timers.push(heartbeat, setTimeout(cleanup, input.maxMs ?? MAX_STREAM_MS));
    },
    cancel() {
      cleanup();
    },
  });
}
