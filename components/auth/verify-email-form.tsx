"use client";

import Link from "next/link";
import { useActionState } from "react";
import { verifyEmailAction, type AuthFormState } from "@/app/(auth)/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";

/** A button, not the link itself, confirms: mail scanners open links, people press buttons. */
export function VerifyEmailForm({ token }: { token: string }) {
  const [state, action] = useActionState<AuthFormState, FormData>(verifyEmailAction, null);
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <FormMessage state={state} />
      {state && !state.ok ? (
        <p className="text-sm text-slate-700">
          Sign in and send a new link from your home page, or{" "}
          <Link href="/register" className="font-medium text-brand-700 underline">
            register again
          </Link>
          .
        </p>
      ) : null}
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingText="Confirming…">Confirm my email address</SubmitButton>
    </form>
  );
}
