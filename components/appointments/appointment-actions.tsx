"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { changeAppointmentAction } from "@/app/appointment-actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextareaField } from "@/components/ui/textarea-field";
import { NOTE_REQUIRED, noteRule, type AppointmentAction } from "@/lib/shared/appointment-rules";
import { LIMITS } from "@/lib/shared/model";
import { invalidateCounters } from "@/lib/client/query-keys";

const NOTE_MAX = LIMITS.noteMax;

interface Copy {
  button: string;
  title: string;
  description: string;
  confirm: string;
  done: string;
  variant: "primary" | "secondary" | "danger";
}

function copyFor(
  action: AppointmentAction,
  viewer: "patient" | "doctor",
  who: string,
): Copy & { note: ReturnType<typeof noteRule> } {
  return { ...wordsFor(action, viewer, who), note: noteRule(action, viewer) };
}

function wordsFor(action: AppointmentAction, viewer: "patient" | "doctor", who: string): Copy {
  switch (action) {
    case "accept":
      return {
        button: "Accept",
        title: "",
        description: "",
        confirm: "",
        done: `Accepted. A chat with ${who} is open.`,
        variant: "primary",
      };
    case "decline":
      return {
        button: "Decline",
        title: `Decline ${who}'s request?`,
        description: "Your note is shown to the patient.",
        confirm: "Decline request",
        done: "Request declined.",
        variant: "secondary",
      };
    case "cancel":
      return {
        button: "Cancel appointment",
        title: "Cancel this appointment?",
        description:
          viewer === "doctor"
            ? "Your note is shown to the patient. This cannot be undone."
            : "The doctor will see that you cancelled. This cannot be undone.",
        confirm: "Yes, cancel it",
        done: "Appointment cancelled.",
        variant: "danger",
      };
    case "complete":
      return {
        button: "Mark completed",
        title: "",
        description: "",
        confirm: "",
        done: "Marked completed.",
        variant: "secondary",
      };
  }
}

/** The buttons for what this viewer may do now; risky ones ask for confirmation in a dialog. */
export function AppointmentActions({
  appointmentId,
  available,
  viewer,
  otherName,
}: {
  appointmentId: string;
  available: AppointmentAction[];
  viewer: "patient" | "doctor";
  otherName: string;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const [open, setOpen] = useState<AppointmentAction | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);

  function run(action: AppointmentAction, withNote?: string) {
    setError(null);
    startTransition(async () => {
      const copy = copyFor(action, viewer, otherName);
      const result = await changeAppointmentAction({ appointmentId, action, note: withNote });
      if (result.ok) {
        toast.success(copy.done);
        // Conversations and counters change with appointments (a room opens or closes).
        invalidateCounters(queryClient);
        setOpen(null);
        setNote("");
        router.refresh();
      } else if (open) {
        setError(result.message);
      } else {
        toast.error(result.message);
        router.refresh();
      }
    });
  }

  const dialogAction = open ? copyFor(open, viewer, otherName) : null;
  return (
    <>
      {available.map((action) => {
        const copy = copyFor(action, viewer, otherName);
        const needsDialog = copy.note !== "none";
        return (
          <Button
            key={action}
            size="sm"
            variant={copy.variant === "danger" ? "danger-outline" : copy.variant}
            disabled={pending}
            onClick={() => (needsDialog ? (setError(null), setOpen(action)) : run(action))}
          >
            {copy.button}
            <span className="sr-only"> ({otherName})</span>
          </Button>
        );
      })}
      {dialogAction && open ? (
        <Dialog
          open
          onOpenChange={(o) => !o && !pending && setOpen(null)}
          title={dialogAction.title}
          description={dialogAction.description}
        >
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (dialogAction.note === "required" && note.trim() === "") {
                setError(NOTE_REQUIRED);
                return;
              }
              run(open, note.trim() === "" ? undefined : note);
            }}
          >
            {dialogAction.note !== "none" ? (
              <TextareaField
                label={dialogAction.note === "required" ? "Note for the patient" : "Note (optional)"}
                name="note"
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={NOTE_MAX}
                count={{ value: note.length, max: NOTE_MAX }}
                errors={error ? [error] : undefined}
                autoFocus
              />
            ) : null}
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(null)} disabled={pending}>
                Keep it
              </Button>
              <Button
                type="submit"
                variant={dialogAction.variant === "danger" ? "danger" : "primary"}
                disabled={pending}
              >
                {pending ? "Working…" : dialogAction.confirm}
              </Button>
            </div>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}
