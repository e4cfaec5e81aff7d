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
  const response = await fetch(`${origin}/api/events`, { headers: { cookie, accept: "text/event-stream" }, signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`/api/events answered ${response.status}`);
  const events: ReceivedEvent[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const data = buffer
            .slice(0, end)
            .split("\n")
            .find((l) => l.startsWith("data: "));
          buffer = buffer.slice(end + 2);
          if (!data) continue;
          const event = { ...(JSON.parse(data.slice(6)) as Omit<ReceivedEvent, "at">), at: performance.now() };
          events.push(event);
          if (event.type === "ready") ready();
        }
      }
    } catch {
      // closed
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([isReady.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 15_000)))]);
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
