import type { PublicUser } from "@/lib/users/accounts";

/**
 * Valid sessions' answers, kept between requests so that a signed-in person's polls, counters and
 * refetches do not each read their session again (a round trip, and a third of a cheap request's
 * CPU: bench/README.md). Safe only while every change is heard: the database announces each change
 * to an account or its sessions (migration 0018), the listener calls `forget`, and while it is not
 * listening (`setLive(false)`, also before it first is) nothing is kept or served from here.
 *
 * A lookup that raced a change is not kept: `forget` bumps a counter, and an answer read while it
 * moved may predate the change. Only valid sessions are kept; a refusal is always re-read.
 */
export interface SessionLookup {
  user: PublicUser | null;
  revoked: boolean;
  /** When the session ends at the latest (fixed at sign-in); null when it is not valid. */
  endsAt: Date | null;
}

export interface SessionCache {
  lookup(userId: string, sessionId: string, read: () => Promise<SessionLookup>): Promise<SessionLookup>;
  /** Drops what is kept for this account ("*": for every account). */
  forget(userId: string): void;
  /** Whether changes are being heard; false drops everything and stops keeping answers. */
  setLive(live: boolean): void;
  readonly live: boolean;
  size(): number;
}

export const SESSION_CACHE_MAX_ENTRIES = 10_000;

export function createSessionCache(options: { ttlMs: number; maxEntries?: number; now?: () => number }): SessionCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? SESSION_CACHE_MAX_ENTRIES;
  const byUser = new Map<string, Map<string, { answer: SessionLookup; until: number }>>();
  let entries = 0;
  let changes = 0;
  let live = false;

  const clear = () => {
    byUser.clear();
    entries = 0;
  };
  const forget = (userId: string) => {
    changes++;
    if (userId === "*") return clear();
    const sessions = byUser.get(userId);
    if (!sessions) return;
    entries -= sessions.size;
    byUser.delete(userId);
  };

  return {
    async lookup(userId, sessionId, read) {
      if (!live || options.ttlMs <= 0) return read();
      const sessions = byUser.get(userId);
      const kept = sessions?.get(sessionId);
      if (kept && kept.until > now()) return kept.answer;
      const seen = changes;
      const answer = await read();
      const valid = answer.user?.active && !answer.revoked && answer.endsAt;
      if (!valid || !live || changes !== seen) return answer;
      if (entries >= maxEntries) clear();
      let own = byUser.get(userId);
      if (!own) byUser.set(userId, (own = new Map()));
      if (!own.has(sessionId)) entries++;
      own.set(sessionId, { answer, until: Math.min(now() + options.ttlMs, answer.endsAt!.getTime()) });
      return answer;
    },
    forget,
    setLive(next) {
      if (!next) forget("*");
      live = next;
    },
    get live() {
      return live;
    },
    size: () => entries,
  };
}
