import "server-only";
import { eq, lt, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { rateLimits } from "@/db/schema";
import { readEnv } from "./env";
import { DomainError } from "./errors";

/** A token bucket: `capacity` attempts at once, refilled evenly over `perSeconds`. */
export interface RateLimitRule {
  name: string;
  capacity: number;
  perSeconds: number;
}

export const RATE_LIMITS = {
  /** Failures from one address against one account: past these, that address is refused for the account. */
  signInPerAddressAndAccount: { name: "sign-in:ip-account", capacity: 5, perSeconds: 15 * 60 },
  /** Failures against one account from anywhere: past these, attempts are slowed, never refused. */
  signInPerAccount: { name: "sign-in:account", capacity: 20, perSeconds: 15 * 60 },
  signInPerAddress: { name: "sign-in:ip", capacity: 30, perSeconds: 15 * 60 },
  registrationPerAddress: { name: "register:ip", capacity: 10, perSeconds: 60 * 60 },
  messagesPerUser: { name: "send:user", capacity: 30, perSeconds: 60 },
  passwordResetPerAddress: { name: "reset:ip", capacity: 10, perSeconds: 60 * 60 },
  passwordResetPerAccount: { name: "reset:account", capacity: 3, perSeconds: 60 * 60 },
  verificationPerAccount: { name: "verify:account", capacity: 3, perSeconds: 60 * 60 },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export const keyOf = (rule: RateLimitRule, subject: string) => `${rule.name}:${subject.toLowerCase()}`;

/**
 * Takes one token from the bucket, atomically (one upsert, safe across instances and concurrent
 * requests). A refused attempt takes nothing, so waiting always ends the refusal.
 */
export async function consume(rule: RateLimitRule, subject: string, db: Database = getDb()): Promise<RateLimitResult> {
  const rate = rule.capacity / rule.perSeconds;
  // The bucket's level now: what was left plus what has refilled since, capped at capacity.
  const level = sql`least(${rule.capacity}::float8, ${rateLimits.tokens} + extract(epoch from (clock_timestamp() - ${rateLimits.updatedAt})) * ${rate}::float8)`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key: keyOf(rule, subject), tokens: rule.capacity - 1, allowed: true, updatedAt: sql`clock_timestamp()` })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        tokens: sql`case when ${level} >= 1 then ${level} - 1 else ${level} end`,
        allowed: sql`${level} >= 1`,
        updatedAt: sql`clock_timestamp()`,
      },
    })
    .returning({ tokens: rateLimits.tokens, allowed: rateLimits.allowed });
  if (!row) throw new Error("rate limit upsert returned no row");
  if (row.allowed) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - row.tokens) / rate)) };
}

/** Gives back the token an attempt took, e.g. an address's sign-in that succeeded. */
export async function refund(rule: RateLimitRule, subject: string, db: Database = getDb()): Promise<void> {
  await db
    .update(rateLimits)
    .set({ tokens: sql`least(${rule.capacity}::float8, ${rateLimits.tokens} + 1)` })
    .where(eq(rateLimits.key, keyOf(rule, subject)));
}

/** Forgets a subject's bucket, e.g. an account's failed sign-ins after it signs in. */
export async function reset(rule: RateLimitRule, subject: string, db: Database = getDb()): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, keyOf(rule, subject)));
}

/** Drops buckets untouched for a day: they would be full again anyway. */
export async function pruneRateLimits(db: Database = getDb()): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.updatedAt, sql`now() - interval '1 day'`));
}

export function retryMessage(what: string, result: { retryAfterSeconds: number }): string {
  const minutes = Math.ceil(result.retryAfterSeconds / 60);
  const wait =
    result.retryAfterSeconds < 60
      ? `${result.retryAfterSeconds} seconds`
      : minutes === 1
        ? "1 minute"
        : `${minutes} minutes`;
  return `${what} Try again in ${wait}.`;
}

/** Takes a token or throws a rate_limited DomainError (HTTP 429) saying how long to wait. */
export async function enforce(rule: RateLimitRule, subject: string, refusal: string): Promise<void> {
  const result = await consume(rule, subject);
  if (!result.allowed) throw new DomainError("rate_limited", retryMessage(refusal, result));
}

/** New accounts per address and hour, as configured (REGISTRATIONS_PER_HOUR). */
export function registrationRule(): RateLimitRule {
  return { ...RATE_LIMITS.registrationPerAddress, capacity: readEnv().REGISTRATIONS_PER_HOUR };
}

export const SENDING_TOO_FAST = "You are sending messages too quickly.";
