import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { accountTokens, type AccountTokenPurpose } from "@/db/schema";

/** How long each kind of emailed link works. */
export const TOKEN_MINUTES: Record<AccountTokenPurpose, number> = {
  "password-reset": 30,
  "email-verification": 24 * 60,
};

const hashOf = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/**
 * A new single-use link token: 256 random bits for the email, only its SHA-256 kept. A person's
 * earlier unused tokens of the same kind stop working, so only the latest email's link does.
 */
export async function issueToken(input: { userId: string; purpose: AccountTokenPurpose }): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  await getDb().transaction(async (tx) => {
    await tx
      .update(accountTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(accountTokens.userId, input.userId),
          eq(accountTokens.purpose, input.purpose),
          isNull(accountTokens.usedAt),
        ),
      );
    await tx.insert(accountTokens).values({
      tokenHash: hashOf(token),
      userId: input.userId,
      purpose: input.purpose,
      expiresAt: sql`now() + make_interval(mins => ${TOKEN_MINUTES[input.purpose]})`,
    });
  });
  return token;
}

/**
 * Uses a token once: marks it used and answers its account, in one statement, so two tabs or a
 * replayed request can never both succeed. Null for an unknown, used or expired token.
 */
export async function consumeToken(
  tx: Pick<Database, "update">,
  input: { token: string; purpose: AccountTokenPurpose },
): Promise<{ userId: string } | null> {
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(accountTokens.tokenHash, hashOf(input.token)),
        eq(accountTokens.purpose, input.purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ userId: accountTokens.userId });
  return row ?? null;
}
