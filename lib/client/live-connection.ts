import { setLiveStreamUp } from "./live-status";
import type { LiveEvent } from "@/lib/live/events";

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isId = (v: unknown): v is string => typeof v === "string" && ID.test(v);
const isSeq = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/**
 * An event frame from our own stream, or null when it is not one we know. The server validates
 * every event with zod (lib/live/events.ts); the browser checks the shape by hand, which keeps
 * zod (30 kB) out of every page's JavaScript.
 */
export function parseEvent(data: string): LiveEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const e = value as Record<string, unknown>;
  switch (e.type) {
    case "message":
      return isId(e.roomId) && isSeq(e.seq) && e.seq > 0 && isId(e.from)
        ? { type: "message", roomId: e.roomId, seq: e.seq, from: e.from }
        : null;
    case "read":
      return isId(e.roomId) && isId(e.userId) && isSeq(e.seq)
        ? { type: "read", roomId: e.roomId, userId: e.userId, seq: e.seq }
        : null;
    case "room":
      return isId(e.roomId) ? { type: "room", roomId: e.roomId } : null;
    case "typing":
      return isId(e.roomId) && isId(e.userId) ? { type: "typing", roomId: e.roomId, userId: e.userId } : null;
    case "appointment":
      return isId(e.appointmentId) && typeof e.status === "string"
        ? ({ type: "appointment", appointmentId: e.appointmentId, status: e.status } as LiveEvent)
        : null;
    case "session-ended":
      return e.sessionId === undefined || isId(e.sessionId) ? { type: "session-ended", sessionId: e.sessionId } : null;
    case "resync":
    case "ready":
      return { type: e.type };
    default:
      return null;
  }
}

/** The part of the browser's EventSource this uses (a fake stands in for it in tests). */
export interface EventSourceLike {
  onmessage: ((message: MessageEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export interface LiveHandlers {
  /** The stream is subscribed; data fetched before `since` may have missed events. */
  connected(since: number, reconnect: boolean): void;
  event(event: LiveEvent): void;
  /** The stream is down: polling takes over until it is back. */
  disconnected(): void;
  /** The session is over (signed out elsewhere, deactivated, expired). */
  sessionOver(): void;
}

export type ProbeResult = "signed-in" | "signed-out" | "unreachable";

export interface LiveConnectionOptions {
  url: string;
  open(url: string): EventSourceLike;
  /** Asks the server whether the session still holds. */
  probe(): Promise<ProbeResult>;
  now?: () => number;
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (timer: unknown) => void;
}

const MAX_BACKOFF_MS = 30_000;
/** Kept open this long after the last user goes, so moving between layouts does not reconnect. */
const LINGER_MS = 3_000;

/** Delay before reconnect attempt `attempt` (0-based): exponential with jitter, capped. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * One live-update stream per tab, shared by everything on the page: it reconnects with backoff,
 * tells its user when to refetch, and gives up only when the session is over.
 */
export class LiveConnection {
  private source: EventSourceLike | null = null;
  private handlers: LiveHandlers | null = null;
  private users = 0;
  private attempt = 0;
  private everConnected = false;
  private live = false;
  private stopped = false;
  private reconnectTimer: unknown = null;
  private lingerTimer: unknown = null;
  private readonly o: Required<LiveConnectionOptions>;

  constructor(options: LiveConnectionOptions) {
    this.o = {
      now: Date.now,
      random: Math.random,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  /** Starts (or keeps) the stream for a component; returns its release. */
  acquire(handlers: LiveHandlers): () => void {
    this.handlers = handlers;
    this.users++;
    this.stopped = false;
    if (this.lingerTimer !== null) {
      this.o.clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    if (!this.source && this.reconnectTimer === null) this.connect();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users--;
      if (this.users === 0) this.lingerTimer = this.o.setTimeout(() => this.stop(), LINGER_MS);
    };
  }

  get isOpen(): boolean {
    return this.source !== null;
  }

  stop(): void {
    this.stopped = true;
    this.lingerTimer = null;
    if (this.reconnectTimer !== null) this.o.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.source?.close();
    this.source = null;
    this.setLive(false);
  }

  private connect(): void {
    this.reconnectTimer = null;
    const since = this.o.now();
    const source = this.o.open(this.o.url);
    this.source = source;
    source.onmessage = (message) => {
      if (this.source !== source) return;
      const event = typeof message.data === "string" ? parseEvent(message.data) : null;
      if (!event) return;
      if (event.type === "ready") {
        this.attempt = 0;
        this.setLive(true);
        this.handlers?.connected(since, this.everConnected);
        this.everConnected = true;
        return;
      }
      this.handlers?.event(event);
      if (event.type === "session-ended") void this.drop();
    };
    // The browser would retry on its own; we close and decide ourselves, with backoff and a
    // check that the session still holds (an EventSource cannot see a 401).
    source.onerror = () => {
      if (this.source === source) void this.drop();
    };
  }

  private async drop(): Promise<void> {
    this.source?.close();
    this.source = null;
    if (this.live) {
      this.setLive(false);
      this.handlers?.disconnected();
    }
    const state = await this.o.probe();
    if (this.stopped) return;
    if (state === "signed-out") {
      this.handlers?.sessionOver();
      return;
    }
    if (this.users === 0 && this.lingerTimer === null) return;
    this.reconnectTimer = this.o.setTimeout(() => this.connect(), backoffMs(this.attempt++, this.o.random));
  }

  private setLive(value: boolean): void {
    this.live = value;
    setLiveStreamUp(value);
  }
}
