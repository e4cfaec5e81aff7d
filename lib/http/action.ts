import "server-only";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { admit, REFUSALS, type GateRule } from "@/lib/auth/gate";
import { fieldErrorsOf, type ActionResult } from "@/lib/schemas/form";
import type { PublicUser } from "@/lib/users/accounts";
import { failureOf } from "./failure";

export { UNEXPECTED } from "./failure";
export const SESSION_ENDED = REFUSALS["session-ended"].message;
/** The summary of a form whose fields each say what is wrong beside them. */
export const CHECK_FIELDS = "Check the highlighted fields.";

interface ActionOptions<S extends z.ZodType> {
  schema: S;
  input: unknown;
  /** The message when fields are wrong; by default the first field's own message. */
  invalidMessage?: string;
}

/**
 * The common path of a server action: ask the gate (an action checks the session itself, since a
 * direct POST can reach it), validate with zod, run the domain call, answer a typed result.
 * Expected failures become messages; anything else goes through the one failure mapping.
 */
export async function runAction<S extends z.ZodType, T>(
  options: ActionOptions<S> &
    GateRule & {
      run: (user: PublicUser, data: z.output<S>) => Promise<T>;
      /** A full-page form goes to the sign-in page when the session is gone, rather than saying so. */
      signedOutGoesToSignIn?: boolean;
    },
): Promise<ActionResult<T>> {
  let answer: Awaited<ReturnType<typeof admit>>;
  try {
    answer = await admit(options);
  } catch (error) {
    return failed(error);
  }
  if (!answer.ok) {
    if (options.signedOutGoesToSignIn && (answer.refusal === "no-session" || answer.refusal === "session-ended"))
      redirect("/login");
    return { ok: false, message: REFUSALS[answer.refusal].message };
  }
  const { user } = answer;
  return validateAndRun(options, (data) => options.run(user, data));
}

/** An action anyone may call (sign-in, registration): the same validation and failure mapping, no gate. */
export async function runPublicAction<S extends z.ZodType, T>(
  options: ActionOptions<S> & { run: (data: z.output<S>) => Promise<T> },
): Promise<ActionResult<T>> {
  return validateAndRun(options, options.run);
}

async function validateAndRun<S extends z.ZodType, T>(
  options: ActionOptions<S>,
  run: (data: z.output<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  const parsed = options.schema.safeParse(options.input);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    const first = Object.values(fieldErrors).find((v) => v?.length)?.[0];
    const message = options.invalidMessage ?? first ?? parsed.error.issues[0]?.message ?? "The request was not valid.";
    return { ok: false, message, fieldErrors };
  }
  try {
    return { ok: true, data: await run(parsed.data) };
  } catch (error) {
    return failed(error);
  }
}

function failed(error: unknown): { ok: false; message: string; fieldErrors?: Record<string, string[] | undefined> } {
  const { message, fieldErrors } = failureOf(error, "Action");
  return fieldErrors ? { ok: false, message, fieldErrors } : { ok: false, message };
}
