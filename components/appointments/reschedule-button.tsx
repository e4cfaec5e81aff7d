"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { toast } from "sonner";
import { proposeRescheduleAction, rescheduleSlotsAction } from "@/app/appointment-actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { invalidateCounters } from "@/lib/client/query-keys";
import { formatTime } from "@/lib/shared/format";
import { addDays, localDateOf } from "@/lib/shared/time";
import { formatLocalDate } from "@/lib/shared/slots";

/** "Propose a new time": a day, then one of the doctor's free times that day; the other person answers. */
export function RescheduleButton({
  appointmentId,
  timeZone,
  otherName,
}: {
  appointmentId: string;
  timeZone: string;
  otherName: string;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [date, setDate] = useState(() => formatLocalDate(addDays(localDateOf(new Date(), timeZone), 1)));
  const [slots, setSlots] = useState<string[] | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (!open) return;
    let live = true;
    void rescheduleSlotsAction({ appointmentId, date }).then((r) => {
      if (!live) return;
      setChoice(null);
      if (r.ok) {
        setSlots(r.data);
        setError(null);
      } else {
        setSlots([]);
        setError(r.message);
      }
    });
    return () => {
      live = false;
    };
  }, [open, date, appointmentId]);

  function submit() {
    if (!choice) {
      setError("Choose a time from the list.");
      return;
    }
    startTransition(async () => {
      const result = await proposeRescheduleAction({ appointmentId, startsAt: choice });
      if (result.ok) {
        toast.success(`New time proposed. ${otherName} can accept or decline it.`);
        invalidateCounters(queryClient);
        setOpen(false);
        router.refresh();
      } else setError(result.message);
    });
  }

  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => (setError(null), setSlots(null), setOpen(true))}>
        Propose a new time<span className="sr-only"> ({otherName})</span>
      </Button>
      {open ? (
        <Dialog
          open
          onOpenChange={(o) => !o && !pending && setOpen(false)}
          title="Propose a new time"
          description={`${otherName} will be asked to accept or decline it. Until then the appointment keeps its time.`}
        >
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <label className="flex flex-col gap-1 text-sm font-medium text-slate-800">
              Day
              <input
                type="date"
                name="date"
                value={date}
                onChange={(e) => e.target.value && setDate(e.target.value)}
                className="rounded-md border border-slate-300 px-3 py-2"
              />
            </label>
            <fieldset aria-describedby={error ? "reschedule-error" : undefined}>
              <legend className="mb-2 text-sm font-medium text-slate-800">Free times</legend>
              {slots === null ? (
                <p className="text-sm text-slate-700">Loading free times…</p>
              ) : slots.length === 0 ? (
                <p className="text-sm text-slate-700">No free times on this day. Choose another day.</p>
              ) : (
                <div className="grid grid-cols-3 gap-2 sm:grid-cols-4">
                  {slots.map((s) => (
                    <label
                      key={s}
                      className="flex cursor-pointer items-center justify-center rounded-md border border-slate-300 bg-white px-2 py-2 text-sm has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600"
                    >
                      <input
                        type="radio"
                        name="startsAt"
                        value={s}
                        checked={choice === s}
                        onChange={() => setChoice(s)}
                        className="sr-only"
                      />
                      {formatTime(new Date(s), timeZone)}
                    </label>
                  ))}
                </div>
              )}
              {error ? (
                <p id="reschedule-error" role="alert" className="mt-2 text-sm text-red-700">
                  {error}
                </p>
              ) : null}
            </fieldset>
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
                Keep the time
              </Button>
              <Button type="submit" disabled={pending || !choice}>
                {pending ? "Sending…" : "Propose this time"}
              </Button>
            </div>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}
