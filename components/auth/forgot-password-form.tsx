"use client";

import Link from "next/link";
import { useActionState } from "react";
import { forgotPasswordAction, type AuthFormState } from "@/app/(auth)/actions";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";

export const RESET_SENT = "If an account exists for that address, we have sent a link to choose a new password.";

export function ForgotPasswordForm() {
  const [state, action] = useActionState<AuthFormState, FormData>(forgotPasswordAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  if (state?.ok)
    return (
      <div role="status" className="flex flex-col gap-3">
        <p className="text-sm text-slate-800">{RESET_SENT}</p>
        <p className="text-sm text-slate-600">
          The link works once, for 30 minutes. Nothing arrived? Look in your spam folder.
        </p>
        <Link href="/login" className="text-sm font-medium text-brand-700 underline">
          Back to sign in
        </Link>
      </div>
    );
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state?.values?.email}
        errors={errors?.email}
      />
      <SubmitButton pendingText="Sending…">Send me a link</SubmitButton>
      <p className="text-sm">
        <Link href="/login" className="font-medium text-brand-700 underline">
          Back to sign in
        </Link>
      </p>
    </form>
  );
}
