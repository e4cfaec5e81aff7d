import crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { verifyCredentials } from "@/lib/users/accounts";
import { setupTestDatabase } from "@/test/db";
import { attemptSignIn, SignInRateLimited, UNDER_ATTACK_DELAY_MS } from "./credentials";
import { hashPassword } from "./password";

// Auth.js does not load under Vitest; its error classes come from the same stand-in the matrix uses.
vi.mock("next-auth", async () => (await import("@/test/matrix/request")).nextAuthModule);

const t = setupTestDatabase();
const PASSWORD = "the real password 1";

async function account() {
  const email = `victim.${crypto.randomBytes(4).toString("hex")}@example.test`;
  await t.handle.db
    .insert(users)
    .values({ name: "Vic Tim", email, passwordHash: await hashPassword(PASSWORD), role: "patient" });
  return email;
}
const attempt = (email: string, password: string, address: string) => attemptSignIn({ email, password, address });

describe("sign-in limits that stop guessing without locking out the person", () => {
  it("an attacker failing from many addresses slows the account down but never refuses the right password from a clean address", async () => {
    const email = await account();
    // 25 failures spread over 25 addresses: more than the account's 20 before it slows down.
    for (let i = 0; i < 25; i++) expect(await attempt(email, `guess ${i}`, `198.51.100.${i + 1}`)).toBeNull();
    const started = Date.now();
    const user = await attempt(email, PASSWORD, "203.0.113.200");
    expect(user?.email).toBe(email);
    expect(Date.now() - started).toBeGreaterThanOrEqual(UNDER_ATTACK_DELAY_MS - 50);
  });

  it("one address failing five times against an account is refused for it, while the person elsewhere still signs in", async () => {
    const email = await account();
    for (let i = 0; i < 5; i++) expect(await attempt(email, `guess ${i}`, "192.0.2.9")).toBeNull();
    await expect(attempt(email, PASSWORD, "192.0.2.9")).rejects.toBeInstanceOf(SignInRateLimited);
    expect((await attempt(email, PASSWORD, "192.0.2.10"))?.email).toBe(email);
  });

  it("one address is refused past 30 failures whatever accounts it aims at", async () => {
    const address = "192.0.2.77";
    for (let i = 0; i < 30; i++) expect(await attempt(`nobody${i}@example.test`, "x", address)).toBeNull();
    await expect(attempt(`nobody-else@example.test`, "x", address)).rejects.toBeInstanceOf(SignInRateLimited);
  });
});

describe("sign-in timing", () => {
  it("an unknown address and a known one with a wrong password take the same time (median of 20 each)", async () => {
    const email = await account();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Both do one argon2id verification (tens of milliseconds); within a fifth of each other. A
    // machine busy with other test files can skew one round, so up to three rounds are taken: a
    // real difference (one side skipping the hash) shows in every round and still fails.
    const rounds: string[] = [];
    for (let round = 0; round < 3; round++) {
      const times = { known: [] as number[], unknown: [] as number[] };
      for (let i = 0; i < 20; i++)
        for (const kind of ["known", "unknown"] as const) {
          const started = performance.now();
          const user = await verifyCredentials({
            email: kind === "known" ? email : `nobody.${round}.${i}@example.test`,
            password: "wrong password",
          });
          times[kind].push(performance.now() - started);
          expect(user).toBeNull();
        }
      const [known, unknown] = [median(times.known), median(times.unknown)];
      rounds.push(`${known.toFixed(1)} ms and ${unknown.toFixed(1)} ms`);
      if (Math.abs(known - unknown) < 0.2 * Math.max(known, unknown)) return;
    }
    expect.fail(`medians differ by more than a fifth in every round: ${rounds.join("; ")}`);
  });
});
