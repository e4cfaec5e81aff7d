"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { saveWorkingHoursAction } from "@/app/(doctor)/doctor/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TimeZoneSelect } from "@/components/ui/time-zone-select";
import { WEEKDAYS } from "@/lib/schemas/appointments";

interface Day {
  weekday: number;
  enabled: boolean;
  start: string;
  end: string;
}

const TIMES = Array.from(
  { length: 49 },
  (_, i) => `${String(Math.floor(i / 2)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`,
);

export function WorkingHoursForm({
  initial,
  timeZones,
}: {
  initial: { timeZone: string; days: Day[] };
  timeZones: string[];
}) {
  const [timeZone, setTimeZone] = useState(initial.timeZone);
  const [days, setDays] = useState(initial.days);
  const [pending, startTransition] = useTransition();
  const [state, setState] = useState<{
    ok: boolean;
    message?: string;
    fieldErrors?: Record<string, string[] | undefined>;
  } | null>(null);
  const update = (weekday: number, patch: Partial<Day>) =>
    setDays((ds) => ds.map((d) => (d.weekday === weekday ? { ...d, ...patch } : d)));

  return (
    <form
      className="flex flex-col gap-5"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await saveWorkingHoursAction({ timeZone, days });
          setState(result);
          if (result.ok) toast.success("Working hours saved.");
        });
      }}
    >
      <FormMessage state={state} />
      <TimeZoneSelect
        label="Your time zone"
        timeZones={timeZones}
        value={timeZone}
        onChange={(e) => setTimeZone(e.target.value)}
      />
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-sm font-medium text-slate-800">Weekly hours</legend>
        {days.map((d) => {
          const name = WEEKDAYS[d.weekday - 1]!;
          return (
            <div
              key={d.weekday}
              className="flex flex-wrap items-center gap-3 rounded-md border border-slate-200 px-3 py-2"
            >
              <label className="flex w-36 items-center gap-2 text-sm font-medium">
                <input
                  type="checkbox"
                  checked={d.enabled}
                  onChange={(e) => update(d.weekday, { enabled: e.target.checked })}
                  className="size-4"
                />
                {name}
              </label>
              {d.enabled ? (
                <div className="flex items-center gap-2 text-sm">
                  <label className="sr-only" htmlFor={`start-${d.weekday}`}>
                    {name} start
                  </label>
                  <select
                    id={`start-${d.weekday}`}
                    value={d.start}
                    onChange={(e) => update(d.weekday, { start: e.target.value })}
                    className="rounded-md border border-slate-300 bg-white px-2 py-1"
                  >
                    {TIMES.slice(0, -1).map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                  <span aria-hidden="true">to</span>
                  <label className="sr-only" htmlFor={`end-${d.weekday}`}>
                    {name} end
                  </label>
                  <select
                    id={`end-${d.weekday}`}
                    value={d.end}
                    onChange={(e) => update(d.weekday, { end: e.target.value })}
                    className="rounded-md border border-slate-300 bg-white px-2 py-1"
                  >
                    {TIMES.slice(1).map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                  {d.enabled && d.start >= d.end ? (
                    <span className="text-red-700">The day must end after it starts.</span>
                  ) : null}
                </div>
              ) : (
                <span className="text-sm text-slate-600">Not working</span>
              )}
            </div>
          );
        })}
      </fieldset>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save working hours"}
        </Button>
      </div>
    </form>
  );
}
