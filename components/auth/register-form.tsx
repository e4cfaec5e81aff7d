"use client";

import Link from "next/link";
import { useActionState } from "react";
import { registerAction, type AuthFormState } from "@/app/(auth)/actions";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { LIMITS } from "@/lib/shared/model";
import { CheckYourEmail } from "./check-your-email";

export function RegisterForm() {
  const [state, action] = useActionState<AuthFormState, FormData>(registerAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  if (state?.ok && state.data) return <CheckYourEmail email={state.data.email} />;
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <Field
        label="Full name"
        name="name"
        autoComplete="name"
        required
        maxLength={LIMITS.nameMax}
        defaultValue={state?.values?.name}
        errors={errors?.name}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state?.values?.email}
        errors={errors?.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${LIMITS.passwordMin} characters.`}
        errors={errors?.password}
      />
      <SubmitButton pendingText="Creating your account…">Create account</SubmitButton>
      <p className="text-sm text-slate-700">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-brand-700 underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
