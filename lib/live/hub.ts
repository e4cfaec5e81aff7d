import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { databaseHandle, type Database, type DatabaseHandle } from "@/db";
import { describeError } from "@/lib/errors";
import { liveEventSchema, type LiveEvent } from "./events";

/**
 * Publish / subscribe for live updates: the one place that knows NOTIFY exists. On PostgreSQL
 * every instance LISTENs on one channel over one connection and fans events out to the streams
 * of its own users, so an event published on any instance reaches every user wherever they are
 * connected. The embedded database does the same within its one process (PGlite's LISTEN).
 *
 * Writes publish inside their own transaction (`publishInTransaction`): PostgreSQL delivers a
 * NOTIFY exactly when its transaction commits and never if it rolls back, so a committed write
 * always has its event, even if the process dies right after the commit.
 */
export const CHANNEL = "carebridge_events";

export type Listener = (event: LiveEvent) => void;

/**
 * What travels on the channel: the event, its users, and each user's own unread total where the
 * write knew it (a stream gets only its own user's, never the other member's).
 */
const envelopeSchema = z.object({
  to: z.array(z.uuid()).min(1),
  event: liveEventSchema,
  unread: z.record(z.uuid(), z.number().int().nonnegative()).nullish(),
});

export type UnreadTotals = Record<string, number>;

export interface LiveHub {
  /** Sends `event` to every live stream of the users in `to`, now (not part of a write). */
  publish(to: readonly string[], event: LiveEvent): Promise<void>;
  /** Delivers the user's events to `listener` once subscribed; returns the unsubscribe. */
  subscribe(userId: string, listener: Listener): Promise<() => void>;
  /** Live subscriptions in this process (for leak checks). */
  listenerCount(): number;
  close(): Promise<void>;
}

export function createLiveHub(handle: DatabaseHandle): LiveHub {
  const listeners = new Map<string, Set<Listener>>();
  let listening: Promise<{ unlisten: () => Promise<void> }> | null = null;

  const deliver = (userId: string, event: LiveEvent) => {
    for (const listener of listeners.get(userId) ?? []) {
      try {
        listener(event);
      } catch (error) {
        console.error("A live-update listener failed:", describeError(error));
      }
    }
  };
  const deliverToAll = (event: LiveEvent) => {
    for (const userId of listeners.keys()) deliver(userId, event);
  };
  const onPayload = (payload: string) => {
    let parsed: z.infer<typeof envelopeSchema>;
    try {
      parsed = envelopeSchema.parse(JSON.parse(payload));
    } catch {
      console.error("Ignored a malformed live-update payload.");
      return;
    }
    const { event, unread } = parsed;
    // One event object per distinct unread total, so users (and their streams) that get the same
    // one share its encoded frame (lib/live/stream.ts) instead of each building its own.
    const withTotal = new Map<number, LiveEvent>();
    for (const userId of new Set(parsed.to)) {
      const total = unread?.[userId];
      const own = total !== undefined && (event.type === "message" || event.type === "read");
      if (!own) {
        deliver(userId, event);
        continue;
      }
      let variant = withTotal.get(total);
      if (!variant) withTotal.set(total, (variant = { ...event, unread: total }));
      deliver(userId, variant);
    }
  };

  function startListening(): Promise<{ unlisten: () => Promise<void> }> {
    if (handle.pglite) {
      const pglite = handle.pglite;
      return pglite.listen(CHANNEL, onPayload).then((off) => ({ unlisten: () => off() }));
    }
    const sql = handle.sql;
    if (!sql) return Promise.resolve({ unlisten: async () => {} });
    let listenedBefore = false;
    // postgres.js re-LISTENs by itself after its connection drops and calls onlisten again;
    // NOTIFY is at-most-once, so whatever was sent meanwhile is lost: every stream resyncs.
    return sql.listen(CHANNEL, onPayload, () => {
      if (listenedBefore) deliverToAll({ type: "resync" });
      listenedBefore = true;
    });
  }

  return {
    async publish(to, event) {
      if (to.length === 0) return;
      await notifyVia(handle.db, to, event);
    },
    async subscribe(userId, listener) {
      listening ??= startListening().catch((error: unknown) => {
        listening = null;
        throw error;
      });
      await listening;
      let set = listeners.get(userId);
      if (!set) listeners.set(userId, (set = new Set()));
      set.add(listener);
      return () => {
        const current = listeners.get(userId);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) listeners.delete(userId);
      };
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
    async close() {
      listeners.clear();
      const current = listening;
      listening = null;
      if (current) await (await current).unlisten().catch(() => {});
    },
  };
}

function payloadOf(to: readonly string[], event: LiveEvent, unread?: UnreadTotals): string {
  return JSON.stringify({ to: [...new Set(to)], event, unread });
}

async function notifyVia(
  db: Pick<Database, "execute">,
  to: readonly string[],
  event: LiveEvent,
  unread?: UnreadTotals,
): Promise<void> {
  await db.execute(sql`select pg_notify(${CHANNEL}, ${payloadOf(to, event, unread)})`);
}

/**
 * Publishes as part of the caller's write: the event goes out when the transaction commits, and
 * not at all if it rolls back.
 */
export async function publishInTransaction(
  tx: Pick<Database, "execute">,
  to: readonly string[],
  event: LiveEvent,
  unread?: UnreadTotals,
): Promise<void> {
  if (to.length > 0) await notifyVia(tx, to, event, unread);
}

declare global {
  // One hub per process and database handle, like the handle itself (separate bundles share it).
  var __carebridgeLiveHub: { handle: DatabaseHandle; hub: LiveHub } | undefined;
}

export function liveHub(): LiveHub {
  const handle = databaseHandle();
  if (globalThis.__carebridgeLiveHub?.handle !== handle) {
    globalThis.__carebridgeLiveHub = { handle, hub: createLiveHub(handle) };
  }
  return globalThis.__carebridgeLiveHub.hub;
}

/**
 * Publishes after a committed write. A failure here never fails the write: the message or the
 * change is stored, and clients still see it at their next poll.
 */
export async function publish(to: readonly string[], event: LiveEvent): Promise<void> {
  try {
    await liveHub().publish(to, event);
  } catch (error) {
    console.error("Publishing a live update failed:", describeError(error));
  }
}
