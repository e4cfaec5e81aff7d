"use client";

import { useState, useTransition } from "react";
import { resendVerificationAction } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";

/** On an unconfirmed patient's home page: why booking waits, and the link sent again. */
export function VerifyEmailBanner({ email }: { email: string }) {
  const [pending, start] = useTransition();
  const [answer, setAnswer] = useState<string | null>(null);
  return (
    <section
      aria-label="Confirm your email address"
      className="mb-6 flex flex-col gap-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950"
    >
      <p className="wrap-anywhere">
        <strong>Confirm your email address to book appointments.</strong> We sent a link to {email}.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="secondary"
          size="sm"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const result = await resendVerificationAction();
              setAnswer(result.ok ? "Sent. Look for it in your inbox." : result.message);
            })
          }
        >
          {pending ? "Sending…" : "Send the link again"}
        </Button>
        <span role="status">{answer}</span>
      </div>
    </section>
  );
}
