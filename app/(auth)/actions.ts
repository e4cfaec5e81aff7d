"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/auth-js";
import { clientAddress } from "@/lib/http/client-address";
import { consume, registrationRule, retryMessage } from "@/lib/rate-limit";
import { rateLimitedSignInMessage } from "@/lib/auth/sign-in";
import { afterSignInPath, roleHome } from "@/lib/auth/roles";
import { findUserByEmail, registerPatient } from "@/lib/users/accounts";
import { fieldErrorsOf, formFields, loginSchema, registerSchema, type ActionResult } from "@/lib/schemas/auth";

export type AuthFormState = (ActionResult & { values?: Record<string, string> }) | null;

const WRONG_CREDENTIALS = "Email or password is incorrect.";

export async function loginAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const fields = formFields(form, ["email", "password", "callbackUrl"]);
  const values = { email: fields.email ?? "" };
  const parsed = loginSchema.safeParse(fields);
  if (!parsed.success) {
    return { ok: false, message: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error), values };
  }
  try {
    await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin)
      return { ok: false, message: rateLimitedSignInMessage(error.code) ?? WRONG_CREDENTIALS, values };
    if (error instanceof AuthError) return { ok: false, message: WRONG_CREDENTIALS, values };
    throw error;
  }
  const user = await findUserByEmail(parsed.data.email);
  redirect(user ? afterSignInPath(parsed.data.callbackUrl, user.role) : "/");
}

export async function registerAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const fields = formFields(form, ["name", "email", "password"]);
  const values = { name: fields.name ?? "", email: fields.email ?? "" };
  const parsed = registerSchema.safeParse(fields);
  if (!parsed.success) {
    return { ok: false, message: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error), values };
  }
  const limit = await consume(registrationRule(), clientAddress(await headers()));
  if (!limit.allowed)
    return { ok: false, message: retryMessage("Too many accounts were created from this network.", limit), values };
  const result = await registerPatient(parsed.data);
  if (!result.ok) {
    return {
      ok: false,
      message: "Check the highlighted fields.",
      fieldErrors: { email: ["An account with this email already exists. Sign in instead."] },
      values,
    };
  }
  try {
    await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) redirect("/login");
    throw error;
  }
  redirect(roleHome(result.user.role));
}
