import "server-only";
import { AuthError, CredentialsSignin } from "next-auth";
import { DomainError } from "@/lib/errors";
import { retryMessage } from "@/lib/rate-limit";
import { findUserByEmail, type PublicUser } from "@/lib/users/accounts";
import { signIn } from "./auth-js";
import { RATE_LIMITED } from "./credentials";

export const WRONG_CREDENTIALS = "Email or password is incorrect.";

/**
 * Signs in with a password through Auth.js (which sets the session cookie); a refusal becomes a
 * DomainError with the form's message: wrong credentials, or how long to wait after too many tries.
 */
export async function signInWithPassword(input: { email: string; password: string }): Promise<PublicUser> {
  try {
    await signIn("credentials", { email: input.email, password: input.password, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      const limited = rateLimitedSignInMessage(error.code);
      throw limited ? new DomainError("rate_limited", limited) : new DomainError("invalid", WRONG_CREDENTIALS);
    }
    if (error instanceof AuthError) throw new DomainError("invalid", WRONG_CREDENTIALS);
    throw error;
  }
  const user = await findUserByEmail(input.email);
  if (!user) throw new DomainError("invalid", WRONG_CREDENTIALS);
  return user;
}

/** The sign-in form's message for a refused attempt, or null when it was not a rate limit. */
export function rateLimitedSignInMessage(code: string | undefined): string | null {
  if (!code?.startsWith(`${RATE_LIMITED}:`)) return null;
  const seconds = Number(code.slice(RATE_LIMITED.length + 1));
  return retryMessage("Too many sign-in attempts.", {
    retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 60,
  });
}
