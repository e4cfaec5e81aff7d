import "server-only";
import postgres from "postgres";
import { databaseHandle, type DatabaseHandle } from "@/db";
import { describeError } from "@/lib/errors";
import { readEnv } from "@/lib/env";
import { createSessionCache, type SessionCache } from "./session-cache";

/** Where the database announces a change to an account or its sessions (migration 0018). */
export const SESSION_CHANNEL = "carebridge_sessions";

/**
 * Hears the database's session changes on `handle` and tells `cache`: live once LISTEN holds, not
 * live (everything dropped) from the moment its connection closes until LISTEN holds again. On
 * PostgreSQL it has its own connection, because postgres.js's shared LISTEN connection does not
 * say when it drops, and a change made while it is down is never announced again. Returns the stop.
 */
export function listenForSessionChanges(handle: DatabaseHandle, cache: SessionCache): () => Promise<void> {
  const forget = (payload: string) => cache.forget(payload);
  if (handle.pglite) {
    let stopped = false;
    const pending = handle.pglite.listen(SESSION_CHANNEL, forget).then(
      (unlisten) => {
        if (!stopped) cache.setLive(true);
        return unlisten;
      },
      (error: unknown) => {
        console.error("Listening for session changes failed; reading sessions on every request:", describeError(error));
        return null;
      },
    );
    return async () => {
      stopped = true;
      cache.setLive(false);
      await (
        await pending
      )?.();
    };
  }
  if (!handle.url) return async () => {};

  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  // postgres.js hands a connection's notifications to `onnotify` (its own `listen` is built on it)
  // without declaring the option.
  const options: postgres.Options<Record<string, postgres.PostgresType>> & {
    onnotify: (channel: string, payload: string) => void;
  } = {
    max: 1,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: 5,
    backoff: () => 0.1,
    onnotice: () => {},
    connection: { application_name: "carebridge-sessions" },
    onnotify: (channel, payload) => {
      if (channel === SESSION_CHANNEL) forget(payload);
    },
    onclose: () => {
      cache.setLive(false);
      schedule(100);
    },
  };
  const connection = postgres(handle.url, options);
  // Said once per outage, not at every retry: sessions are read on every request meanwhile.
  let complained = false;
  const listen = async () => {
    retry = null;
    if (stopped) return;
    try {
      await connection.unsafe(`listen ${SESSION_CHANNEL}`);
      if (!stopped) cache.setLive(true);
      complained = false;
    } catch (error) {
      cache.setLive(false);
      if (!stopped && !complained)
        console.error(
          "Listening for session changes failed; reading sessions on every request until it works:",
          describeError(error),
        );
      complained = true;
      schedule(1000);
    }
  };
  function schedule(ms: number) {
    if (stopped || retry) return;
    retry = setTimeout(() => void listen(), ms);
    retry.unref();
  }
  void listen();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    cache.setLive(false);
    await connection.end({ timeout: 1 }).catch(() => {});
  };
}

declare global {
  // One cache per process and database handle, like the handle itself (separate bundles share it).
  var __carebridgeSessionCache: { handle: DatabaseHandle; cache: SessionCache } | undefined;
}

/** Drops what this process keeps of the account's sessions (nothing to do before it keeps any). */
export function forgetKeptSessions(userId: string): void {
  const current = globalThis.__carebridgeSessionCache;
  if (current && current.handle === globalThis.__carebridgeDb) current.cache.forget(userId);
}

/** This process's session cache, listening from its first use; with SESSION_CACHE_SECONDS=0, never live. */
export function sessionCache(): SessionCache {
  const handle = databaseHandle();
  const current = globalThis.__carebridgeSessionCache;
  if (current?.handle === handle) return current.cache;
  const ttlMs = readEnv().SESSION_CACHE_SECONDS * 1000;
  const cache = createSessionCache({ ttlMs });
  globalThis.__carebridgeSessionCache = { handle, cache };
  if (ttlMs > 0) handle.onClose(listenForSessionChanges(handle, cache));
  return cache;
}
