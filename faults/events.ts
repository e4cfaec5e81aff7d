import { openEventStream } from "../bench/server";

/** A user's live-update stream (/api/events), read as the browser's EventSource would. */
export interface ReceivedEvent {
  type: string;
  roomId?: string;
  seq?: number;
  at: number;
}

export interface EventLog {
  events: ReceivedEvent[];
  /** Resolves with the first event after `since` that `match` accepts, or null after `timeoutMs`. */
  waitFor(match: (e: ReceivedEvent) => boolean, since: number, timeoutMs: number): Promise<ReceivedEvent | null>;
  close(): void;
}

export async function openEventLog(origin: string, cookie: string): Promise<EventLog> {
  const abort = new AbortController();
  const events: ReceivedEvent[] = [];
  const isReady = openEventStream(
    origin,
    cookie,
    (event) => events.push({ ...event, at: performance.now() }),
    abort.signal,
  ).then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([
    isReady,
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 15_000))),
  ]);
  clearTimeout(timer);
  if (!ok) {
    abort.abort();
    throw new Error("/api/events did not say it was ready within 15 s");
  }
  return {
    events,
    async waitFor(match, since, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.at >= since && match(e));
        if (found) return found;
        if (performance.now() > deadline) return null;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => abort.abort(),
  };
}
