"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import {
  registerPatient,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  verifyEmail,
} from "@/lib/auth/recovery";
import { SESSION_ENDED_COOKIE } from "@/lib/auth/config";
import { afterSignInPath } from "@/lib/auth/roles";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { CHECK_FIELDS, runAction, runPublicAction } from "@/lib/http/action";
import { clientAddress } from "@/lib/http/client-address";
import { enforce, registrationRule } from "@/lib/rate-limit";
import {
  forgotPasswordSchema,
  loginSchema,
  registerSchema,
  resetPasswordSchema,
  verifyEmailSchema,
} from "@/lib/schemas/auth";
import { formFields, REQUEST_SHAPE, type ActionResult } from "@/lib/schemas/form";
import { z } from "zod";

export type AuthFormState = (ActionResult<{ email: string } | undefined> & { values?: Record<string, string> }) | null;

export async function loginAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const fields = formFields(form, ["email", "password", "callbackUrl"]);
  const result = await runPublicAction({
    schema: loginSchema,
    input: fields,
    invalidMessage: CHECK_FIELDS,
    run: (data) => signInWithPassword(data),
  });
  if (!result.ok) return { ...result, values: { email: fields.email ?? "" } };
  (await cookies()).delete(SESSION_ENDED_COOKIE);
  redirect(afterSignInPath(fields.callbackUrl, result.data.role));
}

/**
 * Patient registration. It answers "check your email" whether the address is new or already has an
 * account (which gets an email saying so instead): the form never tells who is registered.
 */
export async function registerAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const fields = formFields(form, ["name", "email", "password"]);
  const result = await runPublicAction({
    schema: registerSchema,
    input: fields,
    invalidMessage: CHECK_FIELDS,
    run: async (data) => {
      await enforce(
        registrationRule(),
        clientAddress(await headers()),
        "Too many accounts were created from this network.",
      );
      await registerPatient(data);
      return { email: data.email };
    },
  });
  if (!result.ok) return { ...result, values: { name: fields.name ?? "", email: fields.email ?? "" } };
  return result;
}

/** "Forgot password?": the same answer, after the same work, whether or not the address has an account. */
export async function forgotPasswordAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const fields = formFields(form, ["email"]);
  const result = await runPublicAction({
    schema: forgotPasswordSchema,
    input: fields,
    invalidMessage: CHECK_FIELDS,
    run: async (data) => {
      await requestPasswordReset({ email: data.email, address: clientAddress(await headers()) });
      return { email: data.email };
    },
  });
  if (!result.ok) return { ...result, values: { email: fields.email ?? "" } };
  return result;
}

export async function resetPasswordAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const result = await runPublicAction({
    schema: resetPasswordSchema,
    input: formFields(form, ["token", "newPassword", "confirmPassword"]),
    invalidMessage: CHECK_FIELDS,
    run: (data) => resetPassword({ token: data.token, newPassword: data.newPassword }),
  });
  if (!result.ok) return result;
  redirect("/login?reset=1");
}

export async function verifyEmailAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const result = await runPublicAction({
    schema: verifyEmailSchema,
    input: formFields(form, ["token"]),
    run: (data) => verifyEmail(data),
  });
  if (!result.ok) return result;
  redirect("/login?verified=1");
}

/** Sends the confirmation link again, for a signed-in patient whose address is not confirmed yet. */
export async function resendVerificationAction(): Promise<ActionResult<undefined>> {
  return runAction({
    roles: ["patient"],
    schema: z.object({}, REQUEST_SHAPE),
    input: {},
    run: async (user) => void (await resendVerification(user.id)),
  });
}
