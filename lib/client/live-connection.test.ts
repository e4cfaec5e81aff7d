import { describe, expect, it, vi } from "vitest";
import {
  backoffMs,
  LiveConnection,
  parseEvent,
  type EventSourceLike,
  type LiveHandlers,
  type ProbeResult,
} from "./live-connection";
import { liveStreamIsUp } from "./live-status";

class FakeSource implements EventSourceLike {
  onmessage: EventSourceLike["onmessage"] = null;
  onerror: EventSourceLike["onerror"] = null;
  closed = false;
  close() {
    this.closed = true;
  }
  send(data: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(data) }));
  }
  fail() {
    this.onerror?.(new Event("error"));
  }
}

function setup(probe: ProbeResult = "signed-in") {
  vi.useFakeTimers();
  const sources: FakeSource[] = [];
  const calls: string[] = [];
  const handlers: LiveHandlers = {
    connected: (_since, reconnect) => calls.push(reconnect ? "reconnected" : "connected"),
    event: (e) => calls.push(e.type),
    disconnected: () => calls.push("disconnected"),
    sessionOver: () => calls.push("session-over"),
  };
  const probeFn = vi.fn(async () => probe);
  const connection = new LiveConnection({
    url: "/api/events",
    open: () => {
      const s = new FakeSource();
      sources.push(s);
      return s;
    },
    probe: probeFn,
    random: () => 1,
  });
  return { connection, sources, calls, handlers, probeFn };
}

describe("LiveConnection", () => {
  it("opens one stream however many components use it, and closes it a moment after the last leaves", async () => {
    const { connection, sources, handlers } = setup();
    const releaseA = connection.acquire(handlers);
    const releaseB = connection.acquire(handlers);
    expect(sources).toHaveLength(1);
    releaseA();
    releaseB();
    releaseB();
    // A new layout taking over within the grace period keeps the same stream.
    await vi.advanceTimersByTimeAsync(1_000);
    const releaseC = connection.acquire(handlers);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sources).toHaveLength(1);
    expect(sources[0]!.closed).toBe(false);
    releaseC();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(sources[0]!.closed).toBe(true);
    expect(connection.isOpen).toBe(false);
    vi.useRealTimers();
  });

  it("is live once the server says ready, passes events on, and ignores malformed ones", () => {
    const { connection, sources, calls, handlers } = setup();
    connection.acquire(handlers);
    expect(liveStreamIsUp()).toBe(false);
    sources[0]!.send({ type: "ready" });
    expect(liveStreamIsUp()).toBe(true);
    sources[0]!.send({ type: "message", roomId: "not-a-uuid", seq: 1 });
    sources[0]!.onmessage?.(new MessageEvent("message", { data: "{oops" }));
    sources[0]!.send({
      type: "message",
      roomId: "6f1c0a8e-0000-4000-8000-000000000001",
      seq: 1,
      from: "6f1c0a8e-0000-4000-8000-000000000002",
    });
    expect(calls).toEqual(["connected", "message"]);
    connection.stop();
    expect(liveStreamIsUp()).toBe(false);
    vi.useRealTimers();
  });

  it("reconnects with growing delays after errors, and refetches on each reconnect", async () => {
    const { connection, sources, calls, handlers } = setup();
    connection.acquire(handlers);
    sources[0]!.send({ type: "ready" });
    sources[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(["connected", "disconnected"]);
    expect(liveStreamIsUp()).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(sources).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(2);
    sources[1]!.fail();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sources).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(3);
    sources[2]!.send({ type: "ready" });
    expect(calls.at(-1)).toBe("reconnected");
    // A successful connection resets the backoff.
    sources[2]!.fail();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sources).toHaveLength(4);
    connection.stop();
    vi.useRealTimers();
  });

  it("stops for good when the session is over", async () => {
    const { connection, sources, calls, handlers, probeFn } = setup("signed-out");
    connection.acquire(handlers);
    sources[0]!.send({ type: "ready" });
    sources[0]!.send({ type: "session-ended" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probeFn).toHaveBeenCalledTimes(1);
    expect(calls).toEqual(["connected", "session-ended", "disconnected", "session-over"]);
    expect(sources).toHaveLength(1);
    expect(sources[0]!.closed).toBe(true);
    vi.useRealTimers();
  });
});

describe("backoffMs", () => {
  it("doubles from 1 s up to 30 s, with jitter down to half", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffMs(n, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffMs(3, () => 0)).toBe(4_000);
  });
});

describe("LiveConnection.stop", () => {
  it("ends everything at once: no session-over, no reconnect from a drop still in progress", async () => {
    const { connection, sources, calls, handlers } = setup("signed-out");
    connection.acquire(handlers);
    sources[0]!.send({ type: "ready" });
    sources[0]!.fail();
    connection.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(["connected", "disconnected"]);
    expect(sources).toHaveLength(1);
    vi.useRealTimers();
  });
});

describe("parseEvent", () => {
  const room = "6f1c0a8e-0000-4000-8000-000000000001";
  it("takes exactly what the server's schema allows", async () => {
    const { liveEventSchema } = await import("@/lib/live/events");
    const samples: unknown[] = [
      { type: "message", roomId: room, seq: 3, from: room },
      { type: "read", roomId: room, userId: room, seq: 0 },
      { type: "appointment", appointmentId: room, status: "accepted" },
      { type: "session-ended" },
      { type: "session-ended", sessionId: room },
      { type: "resync" },
      { type: "ready" },
    ];
    for (const sample of samples) expect(parseEvent(JSON.stringify(sample))).toEqual(liveEventSchema.parse(sample));
  });

  it("refuses what is not an event of ours", () => {
    for (const bad of [
      "",
      "null",
      "[]",
      "{oops",
      '{"type":"message","roomId":"x","seq":1}',
      '{"type":"message","roomId":"' + room + '","seq":0}',
      '{"type":"message","roomId":"' + room + '","seq":1.5}',
      '{"type":"read","roomId":"' + room + '","seq":1}',
      '{"type":"session-ended","sessionId":5}',
      '{"type":"boom"}',
    ]) {
      expect(parseEvent(bad), bad).toBeNull();
    }
  });
});
