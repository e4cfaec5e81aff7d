"use client";

import { useActionState, useState } from "react";
import { saveNotificationSettingsAction, type NotificationSettingsState } from "@/app/account/settings/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TimeZoneSelect } from "@/components/ui/time-zone-select";

type Mode = "each" | "digest" | "none";

const MODES: { value: Mode; label: string; hint: string }[] = [
  {
    value: "each",
    label: "For each new message",
    hint: "When a message stays unread for a few minutes. One email for several at once.",
  },
  { value: "digest", label: "Once a day", hint: "One email at the hour you choose, if anything is unread." },
  { value: "none", label: "Never", hint: "You will see new messages when you sign in." },
];

const hourLabel = (h: number) => `${String(h).padStart(2, "0")}:00`;

export function NotificationSettingsForm({
  initial,
  email,
  viewerTimeZone,
  timeZones,
}: {
  initial: { messageEmails: Mode; digestHour: number; appointmentEmails: boolean; timeZone: string };
  email: string;
  viewerTimeZone: string;
  timeZones: string[];
}) {
  const [state, action] = useActionState<NotificationSettingsState, FormData>(saveNotificationSettingsAction, null);
  const [mode, setMode] = useState<Mode>(initial.messageEmails);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="flex flex-col gap-6" noValidate>
      <FormMessage state={state} />
      {state?.ok ? (
        <p
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm wrap-anywhere text-emerald-900"
        >
          Saved. Emails go to {email}.
        </p>
      ) : (
        <p className="text-sm wrap-anywhere text-slate-700">Emails go to {email}.</p>
      )}
      <fieldset className="flex flex-col gap-3">
        <legend className="mb-2 text-sm font-semibold text-slate-900">New messages</legend>
        {MODES.map((m) => (
          <label key={m.value} className="flex items-start gap-3">
            <input
              type="radio"
              name="messageEmails"
              value={m.value}
              checked={mode === m.value}
              onChange={() => setMode(m.value)}
              className="mt-1 size-4 accent-brand-700"
            />
            <span>
              <span className="block text-sm font-medium text-slate-900">{m.label}</span>
              <span className="block text-sm text-slate-600">{m.hint}</span>
            </span>
          </label>
        ))}
        <div className={`ml-7 grid min-w-0 gap-4 sm:grid-cols-2 ${mode === "digest" ? "" : "hidden"}`}>
          <div className="flex flex-col gap-1">
            <label htmlFor="digestHour" className="text-sm font-medium text-slate-800">
              Hour of the daily email
            </label>
            <select
              id="digestHour"
              name="digestHour"
              defaultValue={initial.digestHour}
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm"
            >
              {Array.from({ length: 24 }, (_, h) => (
                <option key={h} value={h}>
                  {hourLabel(h)}
                </option>
              ))}
            </select>
          </div>
          <TimeZoneSelect
            label="In the time zone"
            id="timeZone"
            name="timeZone"
            timeZones={timeZones}
            defaultValue={initial.timeZone === "Europe/London" ? viewerTimeZone : initial.timeZone}
          />
        </div>
        {errors?.digestHour || errors?.timeZone ? (
          <p className="text-sm text-red-700">{[...(errors.digestHour ?? []), ...(errors.timeZone ?? [])].join(" ")}</p>
        ) : null}
      </fieldset>
      <fieldset className="flex flex-col gap-3">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Appointments</legend>
        <p className="text-sm text-slate-600">
          Requests accepted, declined or cancelled, new requests, and a reminder the day before, with a calendar file.
        </p>
        {(["on", "off"] as const).map((value) => (
          <label key={value} className="flex items-center gap-3 text-sm text-slate-900">
            <input
              type="radio"
              name="appointmentEmails"
              value={value}
              defaultChecked={initial.appointmentEmails === (value === "on")}
              className="size-4 accent-brand-700"
            />
            {value === "on" ? "Email me about appointments" : "No appointment emails"}
          </label>
        ))}
      </fieldset>
      <div>
        <SubmitButton pendingText="Saving…">Save email settings</SubmitButton>
      </div>
    </form>
  );
}
