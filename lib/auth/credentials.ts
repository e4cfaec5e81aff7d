import "server-only";
import { CredentialsSignin } from "next-auth";
import { consume, RATE_LIMITS, refund, reset } from "@/lib/rate-limit";
import { verifyCredentials, type PublicUser } from "@/lib/users/accounts";

export const RATE_LIMITED = "rate_limited";

/** Tells the sign-in form how long to wait; Auth.js passes `code` through to the caller. */
export class SignInRateLimited extends CredentialsSignin {
  constructor(readonly retryAfterSeconds: number) {
    super();
    this.code = `${RATE_LIMITED}:${retryAfterSeconds}`;
  }
}

/**
 * One sign-in attempt, counted against the account and the address it comes from before the
 * password is even looked at (5 and 30 per 15 minutes). A success forgets the account's failures
 * and gives the address its token back, so in effect only failed attempts count.
 */
export async function attemptSignIn(input: {
  email: string;
  password: string;
  address: string;
}): Promise<PublicUser | null> {
  for (const [rule, subject] of [
    [RATE_LIMITS.signInPerAddress, input.address],
    [RATE_LIMITS.signInPerAccount, input.email],
  ] as const) {
    const result = await consume(rule, subject);
    if (!result.allowed) throw new SignInRateLimited(result.retryAfterSeconds);
  }
  const user = await verifyCredentials(input);
  if (user) {
    await reset(RATE_LIMITS.signInPerAccount, input.email);
    await refund(RATE_LIMITS.signInPerAddress, input.address);
  }
  return user;
}
