"use client";

import { useActionState, useState } from "react";
import { saveCareSettingsAction, type CareSettingsState } from "@/app/(doctor)/doctor/actions";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { LIMITS } from "@/lib/shared/model";

export interface CareSettingsInitial {
  replyDays: number;
  replyWindowDays: number;
  away: boolean;
  /** Days in the doctor's zone, YYYY-MM-DD; empty when no period is set. */
  awayFrom: string;
  awayUntil: string;
  awayMessage: string;
  awayColleague: string;
}

/** What patients are told to expect: reply time, how long a conversation stays open, an away period. */
export function CareSettingsForm({ initial, zone }: { initial: CareSettingsInitial; zone: string }) {
  const [state, action] = useActionState<CareSettingsState, FormData>(saveCareSettingsAction, null);
  const [away, setAway] = useState(initial.away);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="flex flex-col gap-6" noValidate>
      <FormMessage state={state} />
      {state?.ok ? (
        <p
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          Saved. Patients see the new settings now.
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="I usually reply within (business days)"
          name="replyDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={LIMITS.replyDaysMax}
          defaultValue={initial.replyDays}
          errors={errors?.replyDays}
          hint="Patients see this in the directory and above the message box."
        />
        <Field
          label="Conversations stay open after the appointment (days)"
          name="replyWindowDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={LIMITS.replyWindowDaysMax}
          defaultValue={initial.replyWindowDays}
          errors={errors?.replyWindowDays}
          hint="Then the conversation becomes read-only; you can reopen it for as many days again."
        />
      </div>
      <fieldset className="flex flex-col gap-4">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Away</legend>
        <label className="flex items-center gap-3 text-sm text-slate-900">
          <input
            type="checkbox"
            name="away"
            value="on"
            checked={away}
            onChange={(e) => setAway(e.target.checked)}
            className="size-4 accent-brand-700"
          />
          I will be away
        </label>
        <div className={`grid gap-4 sm:grid-cols-2 ${away ? "" : "hidden"}`}>
          <Field
            label="First day away"
            name="awayFrom"
            type="date"
            defaultValue={initial.awayFrom}
            errors={errors?.awayFrom}
            hint={`Days start at midnight in your time zone, ${zone}.`}
          />
          <Field
            label="Back on"
            name="awayUntil"
            type="date"
            defaultValue={initial.awayUntil}
            errors={errors?.awayUntil}
            hint="The notice ends by itself at the start of this day."
          />
          <Field
            label="Short message for patients"
            name="awayMessage"
            maxLength={LIMITS.awayMessageMax}
            defaultValue={initial.awayMessage}
            errors={errors?.awayMessage}
            className="sm:col-span-2"
            hint="Shown in the directory and the conversation, and sent once as an automatic reply."
          />
          <Field
            label="Colleague to contact meanwhile (optional)"
            name="awayColleague"
            maxLength={LIMITS.nameMax}
            defaultValue={initial.awayColleague}
            errors={errors?.awayColleague}
          />
        </div>
        <p className="text-sm text-slate-600">
          While you are away, patients who write get one automatic reply per conversation, and requests for those days
          are refused.
        </p>
      </fieldset>
      <div>
        <SubmitButton pendingText="Saving…">Save care settings</SubmitButton>
      </div>
    </form>
  );
}
