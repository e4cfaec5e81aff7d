import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rateLimits } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { consume, reset, retryMessage, type RateLimitRule } from "./rate-limit";

const t = setupTestDatabase();
let n = 0;
const rule = (capacity: number, perSeconds: number): RateLimitRule => ({ name: `test-${++n}`, capacity, perSeconds });

describe("consume", () => {
  it("allows `capacity` attempts, then refuses with the wait until the next token", async () => {
    const r = rule(5, 15 * 60);
    for (let i = 0; i < 5; i++) expect(await consume(r, "carol@example.test")).toEqual({ allowed: true });
    const refused = await consume(r, "carol@example.test");
    expect(refused.allowed).toBe(false);
    // One token refills every 180 s.
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThan(170);
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(180);
  });

  it("keeps subjects apart and ignores the case of the subject", async () => {
    const r = rule(1, 60);
    expect((await consume(r, "A@x.test")).allowed).toBe(true);
    expect((await consume(r, "a@X.test")).allowed).toBe(false);
    expect((await consume(r, "b@x.test")).allowed).toBe(true);
  });

  it("does not take a token for a refused attempt, and refills with time", async () => {
    const r = rule(2, 60);
    await consume(r, "s");
    await consume(r, "s");
    for (let i = 0; i < 5; i++) expect((await consume(r, "s")).allowed).toBe(false);
    // Age the bucket by 30 s: one token (2 per 60 s) is back, not more.
    await t.handle.db
      .update(rateLimits)
      .set({ updatedAt: sql`${rateLimits.updatedAt} - interval '30 seconds'` })
      .where(eq(rateLimits.key, `${r.name}:s`));
    expect((await consume(r, "s")).allowed).toBe(true);
    expect((await consume(r, "s")).allowed).toBe(false);
  });

  it("never lets more than `capacity` through under concurrent attempts", async () => {
    const r = rule(10, 3600);
    const results = await Promise.all(Array.from({ length: 40 }, () => consume(r, "burst")));
    expect(results.filter((x) => x.allowed)).toHaveLength(10);
  });

  it("starts over after reset", async () => {
    const r = rule(1, 3600);
    await consume(r, "x");
    expect((await consume(r, "x")).allowed).toBe(false);
    await reset(r, "x");
    expect((await consume(r, "x")).allowed).toBe(true);
  });
});

describe("retryMessage", () => {
  it("says seconds under a minute and whole minutes above", () => {
    expect(retryMessage("Too many.", { retryAfterSeconds: 12 })).toBe("Too many. Try again in 12 seconds.");
    expect(retryMessage("Too many.", { retryAfterSeconds: 61 })).toBe("Too many. Try again in 2 minutes.");
    expect(retryMessage("Too many.", { retryAfterSeconds: 60 })).toBe("Too many. Try again in 1 minute.");
  });
});
