import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres, type DatabaseHandle } from "@/db/client";
import { cookieAuthModule, signedInAccount } from "@/test/cookie-session";
import { setupTestDatabase } from "@/test/db";
import { setUserActive } from "@/lib/users/admin";
import type { PublicUser } from "@/lib/users/accounts";
import { admitRequest } from "./gate";
import { createSessionCache, type SessionCache, type SessionLookup } from "./session-cache";
import { listenForSessionChanges, sessionCache } from "./session-changes";
import { findSessionUser, revokeSession, sessionMayContinue } from "./sessions";

vi.mock("@/lib/auth/auth-js", () => cookieAuthModule());

const user = (over: Partial<PublicUser> = {}): PublicUser => ({
  id: "u1",
  email: "a@example.test",
  name: "A",
  role: "patient",
  active: true,
  mustChangePassword: false,
  ...over,
});
const validAnswer = (over: Partial<SessionLookup> = {}): SessionLookup => ({
  user: user(),
  revoked: false,
  endsAt: new Date(Date.now() + 3_600_000),
  ...over,
});

/** A read that counts its calls and answers `answer()`. */
function counted(answer: () => SessionLookup) {
  const read = Object.assign(
    async () => {
      read.calls++;
      return answer();
    },
    { calls: 0 },
  );
  return read;
}

describe("the session cache, on its own", () => {
  it("keeps nothing before it hears changes, and again once it stops hearing them", async () => {
    const cache = createSessionCache({ ttlMs: 30_000 });
    const read = counted(() => validAnswer());
    await cache.lookup("u1", "s1", read);
    await cache.lookup("u1", "s1", read);
    expect(read.calls).toBe(2);
    cache.setLive(true);
    await cache.lookup("u1", "s1", read);
    await cache.lookup("u1", "s1", read);
    expect(read.calls).toBe(3);
    cache.setLive(false);
    expect(cache.size()).toBe(0);
    await cache.lookup("u1", "s1", read);
    expect(read.calls).toBe(4);
  });

  it("keeps only valid sessions: a refusal is read again every time", async () => {
    const cache = createSessionCache({ ttlMs: 30_000 });
    cache.setLive(true);
    for (const answer of [
      validAnswer({ revoked: true, endsAt: null }),
      validAnswer({ user: user({ active: false }) }),
      { user: null, revoked: false, endsAt: null },
    ]) {
      const read = counted(() => answer);
      expect(await cache.lookup("u1", "s1", read)).toEqual(answer);
      expect(await cache.lookup("u1", "s1", read)).toEqual(answer);
      expect(read.calls).toBe(2);
    }
    expect(cache.size()).toBe(0);
  });

  it("forgets one account's sessions, or every account's", async () => {
    const cache = createSessionCache({ ttlMs: 30_000 });
    cache.setLive(true);
    const read = counted(() => validAnswer());
    for (const [u, s] of [
      ["u1", "a"],
      ["u1", "b"],
      ["u2", "c"],
    ])
      await cache.lookup(u!, s!, read);
    expect(cache.size()).toBe(3);
    cache.forget("u1");
    expect(cache.size()).toBe(1);
    await cache.lookup("u2", "c", read);
    expect(read.calls).toBe(3);
    await cache.lookup("u1", "a", read);
    expect(read.calls).toBe(4);
    cache.forget("*");
    expect(cache.size()).toBe(0);
  });

  it("does not keep an answer read while a change was announced (it may predate the change)", async () => {
    const cache = createSessionCache({ ttlMs: 30_000 });
    cache.setLive(true);
    let release!: () => void;
    const slow = async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return validAnswer();
    };
    const pending = cache.lookup("u1", "s1", slow);
    await Promise.resolve();
    cache.forget("someone else");
    release();
    await pending;
    expect(cache.size()).toBe(0);
  });

  it("keeps an answer at most its time, and never past the session's own end", async () => {
    let now = 1_000_000;
    const cache = createSessionCache({ ttlMs: 30_000, now: () => now });
    cache.setLive(true);
    const read = counted(() => validAnswer({ endsAt: new Date(1_010_000) }));
    await cache.lookup("u1", "short", read);
    now += 9_999;
    await cache.lookup("u1", "short", read);
    expect(read.calls).toBe(1);
    now += 1;
    await cache.lookup("u1", "short", read);
    expect(read.calls).toBe(2);

    const long = counted(() => validAnswer({ endsAt: new Date(now + 3_600_000) }));
    await cache.lookup("u1", "long", long);
    now += 29_999;
    await cache.lookup("u1", "long", long);
    expect(long.calls).toBe(1);
    now += 1;
    await cache.lookup("u1", "long", long);
    expect(long.calls).toBe(2);
  });

  it("holds at most its number of answers", async () => {
    const cache = createSessionCache({ ttlMs: 30_000, maxEntries: 3 });
    cache.setLive(true);
    for (let i = 0; i < 10; i++) await cache.lookup(`u${i}`, "s", async () => validAnswer());
    expect(cache.size()).toBeLessThanOrEqual(3);
  });

  it("with no time to keep, reads every time", async () => {
    const cache = createSessionCache({ ttlMs: 0 });
    cache.setLive(true);
    const read = counted(() => validAnswer());
    await cache.lookup("u1", "s1", read);
    await cache.lookup("u1", "s1", read);
    expect(read.calls).toBe(2);
  });
});

const t = setupTestDatabase();
const SECRET = "s".repeat(44);

/** Waits until `check` holds (an announcement crosses a connection), failing after 5 s. */
async function until(check: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the session cache, hearing the database", () => {
  // Another instance's connection on PostgreSQL; on the embedded database, its one connection.
  let other: DatabaseHandle;
  let cache: SessionCache;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    other = t.handle.url ? openPostgres(t.handle.url, { max: 1 }) : t.handle;
    cache = createSessionCache({ ttlMs: 30_000 });
    stop = listenForSessionChanges(t.handle, cache);
    await until(() => cache.live, "listening");
  });
  afterAll(async () => {
    await stop();
    if (other !== t.handle) await other.close();
  });

  async function keptSession() {
    const account = await signedInAccount(t.handle.db, SECRET, "patient");
    let reads = 0;
    const read = () => {
      reads++;
      return findSessionUser(account.userId, account.sessionId);
    };
    const ask = () => cache.lookup(account.userId, account.sessionId, read);
    expect((await ask()).revoked).toBe(false);
    await ask();
    expect(reads).toBe(1);
    return { ...account, ask, reads: () => reads };
  }

  const changes: { name: string; sql: string; refused: (answer: SessionLookup) => boolean }[] = [
    {
      name: "the session signed out",
      sql: "update user_sessions set revoked_at = now() where id = $2::uuid and $1::uuid is not null",
      refused: (a) => a.revoked,
    },
    {
      name: "every session ended",
      sql: "update users set session_version = session_version + 1 where id = $1::uuid and $2::uuid is not null",
      refused: (a) => a.revoked,
    },
    {
      name: "the account deactivated",
      sql: "update users set active = false where id = $1::uuid and $2::uuid is not null",
      refused: (a) => !a.user!.active,
    },
    {
      name: "a temporary password set",
      sql: "update users set must_change_password = true where id = $1::uuid and $2::uuid is not null",
      refused: (a) => a.user!.mustChangePassword,
    },
    {
      name: "the role changed",
      sql: "update users set role = 'doctor' where id = $1::uuid and $2::uuid is not null",
      refused: (a) => a.user!.role === "doctor",
    },
    {
      name: "the account deleted",
      sql: "delete from users where id = $1::uuid and $2::uuid is not null",
      refused: (a) => a.user === null,
    },
    {
      name: "the session's row deleted",
      sql: "delete from user_sessions where id = $2::uuid and $1::uuid is not null",
      refused: (a) => a.revoked,
    },
  ];

  for (const change of changes) {
    it(`drops a kept answer when ${change.name} on another instance, by a bare statement`, async () => {
      const kept = await keptSession();
      const run = other.url
        ? () => other.sql!.unsafe(change.sql, [kept.userId, kept.sessionId])
        : () => other.pglite!.query(change.sql, [kept.userId, kept.sessionId]);
      await run();
      await until(async () => change.refused(await kept.ask()), `${change.name} seen`);
      expect(kept.reads()).toBe(2);
    });
  }

  it("keeps an answer through a change that is not the session's (a confirmed email address)", async () => {
    const kept = await keptSession();
    const other2 = await keptSession();
    const run = (sql: string, params: string[]) =>
      other.url ? other.sql!.unsafe(sql, params) : other.pglite!.query(sql, params);
    await run("update users set email_verified_at = now() where id = $1", [kept.userId]);
    // An announced change after it, to know the first would have been heard by now.
    await run("update users set active = false where id = $1", [other2.userId]);
    await until(() => other2.ask().then((a) => !a.user!.active), "the later change seen");
    await kept.ask();
    expect(kept.reads()).toBe(1);
  });

  it.runIf(process.env.TEST_DATABASE_URL)(
    "keeps nothing from the moment its connection drops until it listens again, then hears again",
    async () => {
      const kept = await keptSession();
      const [killed] = await other.sql!.unsafe(
        "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = 'carebridge-sessions' and datname = current_database()",
      );
      expect(killed!.n).toBe(1);
      await until(() => !cache.live, "the drop noticed");
      expect(cache.size()).toBe(0);
      await until(() => cache.live, "listening again");
      await kept.ask();
      await kept.ask();
      expect(kept.reads()).toBe(2);
      await other.sql!.unsafe("update user_sessions set revoked_at = now() where id = $1", [kept.sessionId]);
      await until(async () => (await kept.ask()).revoked, "heard after listening again");
    },
  );

  it.runIf(process.env.TEST_DATABASE_URL)("stops with its database handle, leaving no connection", async () => {
    const handle = openPostgres(t.handle.url!, { max: 1 });
    const own = createSessionCache({ ttlMs: 30_000 });
    handle.onClose(listenForSessionChanges(handle, own));
    await until(() => own.live, "listening");
    const listeners = async () =>
      Number(
        (
          await other.sql!.unsafe(
            "select count(*)::int as n from pg_stat_activity where application_name = 'carebridge-sessions' and datname = current_database()",
          )
        )[0]!.n,
      );
    expect(await listeners()).toBe(2);
    await handle.close();
    expect(own.live).toBe(false);
    await until(async () => (await listeners()) === 1, "its connection closed");
  });
});

describe("the gate with kept sessions", () => {
  beforeAll(() => {
    vi.stubEnv("AUTH_SECRET", SECRET);
    vi.stubEnv("SESSION_CACHE_SECONDS", "30");
  });
  afterEach(() => {
    globalThis.__carebridgeSessionCache = undefined;
  });
  afterAll(() => vi.unstubAllEnvs());

  const headersOf = (cookie: string) => new Headers({ cookie, "x-forwarded-proto": "http" });

  it("reads a session once, then refuses it at once after this instance signs it out or deactivates it", async () => {
    const cache = sessionCache();
    await until(() => cache.live, "listening");
    for (const end of ["sign out", "deactivate"] as const) {
      const account = await signedInAccount(t.handle.db, SECRET, "patient");
      const admin = await signedInAccount(t.handle.db, SECRET, "admin");
      expect((await admitRequest(headersOf(account.cookie))).ok).toBe(true);
      expect(cache.size()).toBeGreaterThan(0);
      const before = cache.size();
      expect((await admitRequest(headersOf(account.cookie))).ok).toBe(true);
      expect(cache.size()).toBe(before);
      if (end === "sign out") await revokeSession(account);
      else await setUserActive({ adminId: admin.userId, userId: account.userId, active: false });
      // No wait for the database's announcement: this instance forgot at once.
      expect(await admitRequest(headersOf(account.cookie))).toEqual({ ok: false, refusal: "session-ended" });
    }
  });

  it("renews a page's cookie from the kept answer, and stops renewing at once after a sign-out here", async () => {
    const cache = sessionCache();
    await until(() => cache.live, "listening");
    const account = await signedInAccount(t.handle.db, SECRET, "doctor");
    expect(await sessionMayContinue(account.userId, account.sessionId)).toBe(true);
    expect(cache.size()).toBe(1);
    // The page's own gate then finds it kept.
    expect((await admitRequest(headersOf(account.cookie))).ok).toBe(true);
    expect(cache.size()).toBe(1);
    await revokeSession(account);
    expect(await sessionMayContinue(account.userId, account.sessionId)).toBe(false);
  });

  it("stays a plain read on every request with SESSION_CACHE_SECONDS=0", async () => {
    vi.stubEnv("SESSION_CACHE_SECONDS", "0");
    try {
      const cache = sessionCache();
      const account = await signedInAccount(t.handle.db, SECRET, "doctor");
      expect((await admitRequest(headersOf(account.cookie))).ok).toBe(true);
      expect(cache.live).toBe(false);
      expect(cache.size()).toBe(0);
    } finally {
      vi.stubEnv("SESSION_CACHE_SECONDS", "30");
    }
  });
});
