import { describe, expect, it } from "vitest";
import { liveEventStream } from "./stream";
import type { Listener, LiveHub } from "./hub";

/** A hub held in memory: enough to watch what a stream subscribes and releases. */
function fakeRealtime(): LiveHub & { emit(userId: string, event: Parameters<Listener>[0]): void } {
  const listeners = new Map<string, Set<Listener>>();
  return {
    async publish() {},
    async subscribe(userId, listener) {
      if (!listeners.has(userId)) listeners.set(userId, new Set());
      listeners.get(userId)!.add(listener);
      return () => listeners.get(userId)?.delete(listener);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    async close() {},
    emit: (userId, event) => listeners.get(userId)?.forEach((l) => l(event)),
  };
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, text: string): Promise<string> {
  const decoder = new TextDecoder();
  let out = "";
  while (!out.includes(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${JSON.stringify(text)}; got ${JSON.stringify(out)}`);
    out += decoder.decode(value);
  }
  return out;
}

describe("liveEventStream", () => {
  it("sends ready, then the user's events as data frames, and heartbeats", async () => {
    const rt = fakeRealtime();
    const controller = new AbortController();
    const reader = liveEventStream({
      userId: "u1",
      hub: rt,
      signal: controller.signal,
      heartbeatMs: 20,
    }).getReader();
    const start = await readUntil(reader, '"ready"');
    expect(start).toMatch(/^retry: \d+\n\n/);
    rt.emit("u2", { type: "resync" });
    rt.emit("u1", {
      type: "message",
      roomId: "6f1c0a8e-0000-4000-8000-000000000001",
      seq: 4,
      from: "6f1c0a8e-0000-4000-8000-000000000002",
    });
    const next = await readUntil(reader, '"seq":4');
    expect(next).toContain(
      'data: {"type":"message","roomId":"6f1c0a8e-0000-4000-8000-000000000001","seq":4,"from":"6f1c0a8e-0000-4000-8000-000000000002"}\n\n',
    );
    expect(next).not.toContain("resync");
    expect(await readUntil(reader, ": heartbeat")).toContain(": heartbeat\n\n");
    controller.abort();
  });

  it("releases its subscription when the client disconnects (abort), once, and ends the stream", async () => {
    const rt = fakeRealtime();
    const controller = new AbortController();
    const reader = liveEventStream({ userId: "u1", hub: rt, signal: controller.signal }).getReader();
    await readUntil(reader, '"ready"');
    expect(rt.listenerCount()).toBe(1);
    controller.abort();
    controller.signal.dispatchEvent(new Event("abort"));
    expect(rt.listenerCount()).toBe(0);
    expect((await reader.read()).done).toBe(true);
  });

  it("releases it when the stream is cancelled too", async () => {
    const rt = fakeRealtime();
    const reader = liveEventStream({ userId: "u1", hub: rt, signal: new AbortController().signal }).getReader();
    await readUntil(reader, '"ready"');
    await reader.cancel();
    expect(rt.listenerCount()).toBe(0);
  });

  it("never subscribes for a client that left before the subscription was made", async () => {
    const rt = fakeRealtime();
    const controller = new AbortController();
    controller.abort();
    const reader = liveEventStream({ userId: "u1", hub: rt, signal: controller.signal }).getReader();
    while (!(await reader.read()).done);
    expect(rt.listenerCount()).toBe(0);
  });

  it("ends after session-ended and after its maximum lifetime", async () => {
    const rt = fakeRealtime();
    const reader = liveEventStream({ userId: "u1", hub: rt, signal: new AbortController().signal }).getReader();
    await readUntil(reader, '"ready"');
    rt.emit("u1", { type: "session-ended" });
    expect(await readUntil(reader, "session-ended")).toContain('{"type":"session-ended"}');
    expect((await reader.read()).done).toBe(true);
    expect(rt.listenerCount()).toBe(0);

    const short = liveEventStream({
      userId: "u1",
      hub: rt,
      signal: new AbortController().signal,
      maxMs: 30,
    }).getReader();
    await readUntil(short, '"ready"');
    expect((await short.read()).done).toBe(true);
    expect(rt.listenerCount()).toBe(0);
  });
});

describe("liveEventStream and sign-out", () => {
  it("stays open when another session of the same user signs out, and closes for its own", async () => {
    const rt = fakeRealtime();
    const mine = "11111111-1111-4111-8111-111111111111";
    const other = "22222222-2222-4222-8222-222222222222";
    const reader = liveEventStream({
      userId: "u1",
      sessionId: mine,
      hub: rt,
      signal: new AbortController().signal,
    }).getReader();
    await readUntil(reader, '"ready"');
    rt.emit("u1", { type: "session-ended", sessionId: other });
    rt.emit("u1", { type: "resync" });
    const text = await readUntil(reader, "resync");
    expect(text).not.toContain("session-ended");
    expect(rt.listenerCount()).toBe(1);
    rt.emit("u1", { type: "session-ended", sessionId: mine });
    await readUntil(reader, "session-ended");
    expect((await reader.read()).done).toBe(true);
    expect(rt.listenerCount()).toBe(0);
  });
});

describe("shared framing", () => {
  it("encodes an event once and hands every stream that gets it the same bytes", async () => {
    const rt = fakeRealtime();
    const controller = new AbortController();
    const readers = ["u1", "u1", "u2"].map((userId) =>
      liveEventStream({ userId, hub: rt, signal: controller.signal }).getReader(),
    );
    for (const reader of readers) await readUntil(reader, '"ready"');
    const event = {
      type: "appointment",
      appointmentId: "6f1c0a8e-0000-4000-8000-000000000003",
      status: "accepted",
    } as const;
    rt.emit("u1", event);
    rt.emit("u2", event);
    const chunks = await Promise.all(readers.map(async (r) => (await r.read()).value!));
    expect(new TextDecoder().decode(chunks[0])).toBe(`data: ${JSON.stringify(event)}\n\n`);
    expect(chunks[1]).toBe(chunks[0]);
    expect(chunks[2]).toBe(chunks[0]);
    // A different event object (another user's unread total) gets its own frame.
    const other = { ...event, status: "cancelled" } as const;
    rt.emit("u2", other);
    const next = (await readers[2]!.read()).value!;
    expect(next).not.toBe(chunks[0]);
    expect(new TextDecoder().decode(next)).toContain('"cancelled"');
    controller.abort();
  });
});
