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

/** How long an attempt on an account under attack waits before its password is checked. */
export const UNDER_ATTACK_DELAY_MS = 2_000;

/**
 * One sign-in attempt, after OWASP's advice against both guessing and lock-out:
 * - refused past 30 failures in 15 minutes from one address, and past 5 from one address against
 *   one account (the guesser is stopped, wherever they aim);
 * - for an account as a whole (failures from any address) never refused, only slowed: past 20
 *   failures in 15 minutes every attempt on it waits two seconds first. So an attacker spreading
 *   guesses over many addresses cannot lock the real person out: the right password from an
 *   address that has not failed still signs in.
 * A success forgets the failures of its address against this account and gives its tokens back,
 * so in effect only failed attempts count.
 */
export async function attemptSignIn(input: {
  email: string;
  password: string;
  address: string;
}): Promise<PublicUser | null> {
  const pair = `${input.address}|${input.email}`;
  for (const [rule, subject] of [
    [RATE_LIMITS.signInPerAddress, input.address],
    [RATE_LIMITS.signInPerAddressAndAccount, pair],
  ] as const) {
    const result = await consume(rule, subject);
    if (!result.allowed) throw new SignInRateLimited(result.retryAfterSeconds);
  }
  const account = await consume(RATE_LIMITS.signInPerAccount, input.email);
  if (!account.allowed) await new Promise((resolve) => setTimeout(resolve, UNDER_ATTACK_DELAY_MS));
  const user = await verifyCredentials(input);
  if (user) {
    await reset(RATE_LIMITS.signInPerAddressAndAccount, pair);
    await refund(RATE_LIMITS.signInPerAddress, input.address);
    await refund(RATE_LIMITS.signInPerAccount, input.email);
  }
  return user;
}
