import "server-only";
import crypto from "node:crypto";
import { authSecret } from "@/lib/env";

/** What one unsubscribe link turns off: one setting, nothing else. */
export const EMAIL_CATEGORIES = ["messages", "appointments"] as const;
export type EmailCategory = (typeof EMAIL_CATEGORIES)[number];

const KEY_LABEL = "carebridge:unsubscribe:v1";
const key = () => crypto.createHmac("sha256", authSecret()).update(KEY_LABEL).digest();

function signature(userId: string, category: EmailCategory): string {
  return crypto.createHmac("sha256", key()).update(`${userId}.${category}`).digest("base64url");
}

/**
 * A link token that turns off one category of email for one account without signing in (RFC 8058
 * one-click): the account and category, signed with a key derived from AUTH_SECRET, so nobody can
 * make one for another account. It does not expire, as mail clients keep the header for years.
 */
export function unsubscribeToken(userId: string, category: EmailCategory): string {
  return `${userId}.${category}.${signature(userId, category)}`;
}

const TOKEN = /^([0-9a-f-]{36})\.(messages|appointments)\.([A-Za-z0-9_-]{43})$/;

export function readUnsubscribeToken(token: string): { userId: string; category: EmailCategory } | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const [, userId, category, sig] = match as unknown as [string, string, EmailCategory, string];
  const expected = Buffer.from(signature(userId, category));
  const given = Buffer.from(sig);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? { userId, category } : null;
}
