import "server-only";
import type { z } from "zod";
import type { Role } from "@/db/schema";
import { getCurrentUser } from "@/lib/auth/gate";
import { describeError, DomainError } from "@/lib/errors";
import type { PublicUser } from "@/lib/users/accounts";
import { fieldErrorsOf, type ActionResult } from "@/lib/schemas/auth";

export const SESSION_ENDED = "Your session has ended. Sign in again to continue.";
export const UNEXPECTED = "Something went wrong on our side and nothing was changed. Please try again.";

/**
 * The common path of a server action: authenticate (the action checks the session itself, as a
 * direct POST can reach it), validate with zod, run the domain call, and answer a typed result.
 * Expected failures become messages; anything else is logged (never with user text) and answered
 * with a calm generic message.
 */
export async function runAction<S extends z.ZodType, T>(options: {
  roles: readonly Role[];
  schema: S;
  input: unknown;
  run: (user: PublicUser, data: z.output<S>) => Promise<T>;
}): Promise<ActionResult<T>> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  // Another role's action answers like a missing item, as pages do.
  if (!options.roles.includes(user.role)) return { ok: false, message: "That item was not found." };
  if (user.mustChangePassword) return { ok: false, message: "Change your temporary password first." };
  const parsed = options.schema.safeParse(options.input);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    const first = Object.values(fieldErrors).find((v) => v?.length)?.[0];
    return {
      ok: false,
      message: first ?? parsed.error.issues[0]?.message ?? "The request was not valid.",
      fieldErrors,
    };
  }
  try {
    const data = await options.run(user, parsed.data);
    return { ok: true, data };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, message: error.message, fieldErrors: error.fieldErrors };
    console.error("Action failed:", describeError(error));
    return { ok: false, message: UNEXPECTED };
  }
}
