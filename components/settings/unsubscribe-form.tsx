"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Posts to the one-click unsubscribe door (RFC 8058), as a mail program would. */
export function UnsubscribeForm({ token, what }: { token: string; what: string }) {
  const [state, setState] = useState<"idle" | "working" | "done" | "failed">("idle");
  async function submit() {
    setState("working");
    try {
      const response = await fetch(`/api/unsubscribe?token=${encodeURIComponent(token)}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      setState(response.ok ? "done" : "failed");
    } catch {
      setState("failed");
    }
  }
  if (state === "done")
    return (
      <p
        role="status"
        className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
      >
        Done. You will no longer get {what}.
      </p>
    );
  return (
    <div className="flex flex-col items-start gap-3">
      <Button onClick={() => void submit()} disabled={state === "working"}>
        {state === "working" ? "Unsubscribing…" : "Unsubscribe"}
      </Button>
      <p role="alert" className={state === "failed" ? "text-sm text-red-700" : "sr-only"}>
        {state === "failed" ? "That did not work. Please try again in a moment." : ""}
      </p>
    </div>
  );
}
