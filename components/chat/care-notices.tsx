"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { reopenRoomAction } from "@/app/(doctor)/doctor/actions";
import { Button, buttonClasses } from "@/components/ui/button";

/** What the thread tells its reader about the doctor's answers and the conversation's end (lib/shared/care.ts). */
export interface ThreadCare {
  viewer: "patient" | "doctor";
  doctorId: string;
  /** "Dr Emily Davis usually replies within 2 business days." */
  replyLine: string;
  /** The away notice while the doctor is away, else null. */
  awayNotice: string | null;
  /** Why the room is read-only, if it is. */
  closedBy: "status" | "window" | null;
  /** "Tue 1 Dec 2026, 14:30 GMT": when the reply window ends or ended. */
  closesAt: string;
  /** The doctor's reply window, which "Reopen" gives again. */
  reopenDays: number;
}

/** Above the composer: the away notice, or when to expect an answer. */
export function ExpectationNotice({ care }: { care: ThreadCare }) {
  if (care.viewer === "doctor")
    return <p className="mb-2 text-xs text-slate-700">This conversation stays open until {care.closesAt}.</p>;
  if (care.awayNotice)
    return (
      <p
        role="note"
        aria-label="Away notice"
        className="mb-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
      >
        {care.awayNotice}
      </p>
    );
  return <p className="mb-2 text-xs text-slate-700">{care.replyLine}</p>;
}

/** In place of the composer once the reply window has passed: when it closed, and what to do next. */
export function WindowClosedNotice({ care, roomId }: { care: ThreadCare; roomId: string }) {
  return (
    <div role="status" className="flex flex-col gap-2 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-800">
      <p>This conversation closed on {care.closesAt}. You can still read it.</p>
      {care.viewer === "patient" ? (
        <p>
          <Link href={`/patient/doctors/${care.doctorId}`} className={buttonClasses("primary", "sm")}>
            Request a new appointment
          </Link>
        </p>
      ) : (
        <ReopenButton roomId={roomId} days={care.reopenDays} />
      )}
    </div>
  );
}

function ReopenButton({ roomId, days }: { roomId: string; days: number }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col items-start gap-1">
      <Button
        size="sm"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await reopenRoomAction({ roomId });
            if (!result.ok) return setError(result.message);
            setError(null);
            toast.success("Conversation reopened.");
            router.refresh();
          })
        }
      >
        {pending ? "Reopening…" : `Reopen for ${days} ${days === 1 ? "day" : "days"}`}
      </Button>
      <p className={error ? "text-sm text-red-700" : "sr-only"} aria-live="polite">
        {error ?? ""}
      </p>
    </div>
  );
}
