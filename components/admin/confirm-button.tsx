"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextareaField } from "@/components/ui/textarea-field";
import type { ActionResult } from "@/lib/schemas/form";

/**
 * A button that asks for confirmation in a dialog (optionally with a required reason), then runs
 * the action and refreshes the page.
 */
export function ConfirmButton({
  label,
  srLabel,
  title,
  description,
  confirmLabel,
  done,
  danger,
  reason,
  run,
}: {
  label: string;
  srLabel?: string;
  title: string;
  description: string;
  confirmLabel: string;
  done: string;
  danger?: boolean;
  reason?: { label: string; max: number };
  run: (reason: string) => Promise<ActionResult<undefined>>;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => (setError(null), setOpen(true))}>
        {label}
        {srLabel ? <span className="sr-only"> {srLabel}</span> : null}
      </Button>
      {open ? (
        <Dialog open onOpenChange={(o) => !o && !pending && setOpen(false)} title={title} description={description}>
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (reason && text.trim() === "") {
                setError(`Enter ${reason.label.toLowerCase()}.`);
                return;
              }
              startTransition(async () => {
                const result = await run(text);
                if (result.ok) {
                  toast.success(done);
                  setOpen(false);
                  setText("");
                  router.refresh();
                } else setError(result.message);
              });
            }}
          >
            {reason ? (
              <TextareaField
                label={reason.label}
                name="reason"
                value={text}
                onChange={(e) => setText(e.target.value)}
                maxLength={reason.max}
                count={{ value: text.length, max: reason.max }}
                errors={error ? [error] : undefined}
                autoFocus
              />
            ) : error ? (
              <p role="alert" className="text-sm text-red-700">
                {error}
              </p>
            ) : null}
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
                Keep it
              </Button>
              <Button type="submit" variant={danger ? "danger" : "primary"} disabled={pending}>
                {pending ? "Working…" : confirmLabel}
              </Button>
            </div>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}
