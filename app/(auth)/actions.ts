"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { afterSignInPath, roleHome } from "@/lib/auth/roles";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { DomainError } from "@/lib/errors";
import { CHECK_FIELDS, runPublicAction } from "@/lib/http/action";
import { clientAddress } from "@/lib/http/client-address";
import { enforce, registrationRule } from "@/lib/rate-limit";
import { loginSchema, registerSchema } from "@/lib/schemas/auth";
import { formFields, type ActionResult } from "@/lib/schemas/form";
import { registerPatient } from "@/lib/users/accounts";

export type AuthFormState = (ActionResult & { values?: Record<string, string> }) | null;

export async function loginAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const fields = formFields(form, ["email", "password", "callbackUrl"]);
  const result = await runPublicAction({
    schema: loginSchema,
    input: fields,
    invalidMessage: CHECK_FIELDS,
    run: (data) => signInWithPassword(data),
  });
  if (!result.ok) return { ...result, values: { email: fields.email ?? "" } };
  redirect(afterSignInPath(fields.callbackUrl, result.data.role));
}

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
      const registered = await registerPatient(data);
      if (!registered.ok)
        throw new DomainError("conflict", CHECK_FIELDS, {
          email: ["An account with this email already exists. Sign in instead."],
        });
      // The account exists either way; a sign-in that fails here only sends the person to sign in.
      return signInWithPassword(data).then(
        (user) => user,
        () => null,
      );
    },
  });
  if (!result.ok) return { ...result, values: { name: fields.name ?? "", email: fields.email ?? "" } };
  redirect(result.data ? roleHome(result.data.role) : "/login");
}
