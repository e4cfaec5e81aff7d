import { z } from "zod";

/** For a request that is not even the right shape (null, a string, an array): only a forged one is. */
export const REQUEST_SHAPE = { error: "This request was not valid. Reload the page and try again." } as const;

export type FieldErrors = Record<string, string[] | undefined>;

/** The result every server action answers with. */
export type ActionResult<T = undefined> =
  { ok: true; data: T } | { ok: false; message: string; fieldErrors?: FieldErrors };

/** Form fields as plain strings (a File or a missing field becomes undefined). */
export function formFields(form: FormData, names: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = form.get(name);
    out[name] = typeof value === "string" ? value : undefined;
  }
  return out;
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  return z.flattenError(error).fieldErrors as FieldErrors;
}
