import { z } from "zod";
import { LIMITS } from "@/lib/shared/model";
import { cleanName, hasVisibleLetter } from "./text";

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
export const nameSchema = z
  .string({ error: "Enter your name." })
  .transform(cleanName)
  .pipe(
    z
      .string()
      .trim()
      .min(1, { error: "Enter your name.", abort: true })
      .max(LIMITS.nameMax, `A name has at most ${LIMITS.nameMax} characters.`)
      .refine(hasVisibleLetter, "Enter your name with at least one letter."),
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

export const forgotPasswordSchema = z.object({ email: emailSchema });

/** An emailed link's token: base64url, 43 characters for 256 bits. */
export const linkTokenSchema = z
  .string({ error: "This link is not complete. Open it again from the email." })
  .regex(/^[A-Za-z0-9_-]{43}$/, "This link is not complete. Open it again from the email.");

export const resetPasswordSchema = z
  .object({
    token: linkTokenSchema,
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ error: "Repeat the new password." }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    message: "The two new passwords do not match.",
    path: ["confirmPassword"],
  });

export const verifyEmailSchema = z.object({ token: linkTokenSchema });
