"use client";

import Link from "next/link";
import { useActionState } from "react";
import { resetPasswordAction, type AuthFormState } from "@/app/(auth)/actions";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { LIMITS } from "@/lib/shared/model";

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, action] = useActionState<AuthFormState, FormData>(resetPasswordAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      {state && !state.ok && !state.fieldErrors ? (
        <Link href="/forgot-password" className="text-sm font-medium text-brand-700 underline">
          Ask for a new link
        </Link>
      ) : null}
      <input type="hidden" name="token" value={token} />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${LIMITS.passwordMin} characters.`}
        errors={errors?.newPassword}
      />
      <Field
        label="Repeat the new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.confirmPassword}
      />
      <SubmitButton pendingText="Saving…">Set new password</SubmitButton>
    </form>
  );
}
