import { z } from "zod";
import { LIMITS } from "@/db/schema";

/** For a request that is not even the right shape (null, a string, an array): only a forged one is. */
export const REQUEST_SHAPE = { error: "This request was not valid. Reload the page and try again." } as const;

export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(LIMITS.emailMax, `An email address has at most ${LIMITS.emailMax} characters.`)
  .pipe(z.email("Enter a valid email address, like name@example.com."))
  .transform((e) => e.toLowerCase());

export const newPasswordSchema = z
  .string({ error: "Choose a password." })
  .min(LIMITS.passwordMin, `Use at least ${LIMITS.passwordMin} characters.`)
  .max(LIMITS.passwordMax, `Use at most ${LIMITS.passwordMax} characters.`);

/** Names: no control characters, line breaks or direction overrides (which could disguise a name). */
const cleanName = (s: string) =>
  s
    .replace(/[\t\n\r]/g, " ")
    .replace(/[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ");

export const nameSchema = z
  .string({ error: "Enter your name." })
  .transform(cleanName)
  .pipe(
    z
      .string()
      .trim()
      .min(1, "Enter your name.")
      .max(LIMITS.nameMax, `A name has at most ${LIMITS.nameMax} characters.`),
  );

export const loginSchema = z.object({
  email: emailSchema,
  // Not checked for strength at sign-in: only present and bounded, so nothing huge gets hashed.
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(LIMITS.passwordMax, "Email or password is incorrect."),
  callbackUrl: z.string().max(2000, "This sign-in link is too long. Open the sign-in page again.").optional(),
});

export const registerSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  password: newPasswordSchema,
});

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

export const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(LIMITS.passwordMax),
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ error: "Repeat the new password." }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    message: "The two new passwords do not match.",
    path: ["confirmPassword"],
  });
