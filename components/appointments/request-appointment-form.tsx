"use client";

import { useActionState, useState } from "react";
import { requestAppointmentAction, type RequestFormState } from "@/app/(patient)/patient/actions";
import { EmptyState } from "@/components/ui/empty-state";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextareaField } from "@/components/ui/textarea-field";
import { LIMITS } from "@/lib/shared/model";

const REASON_MAX = LIMITS.reasonMax;

export function RequestAppointmentForm({
  doctorId,
  doctorName,
  slots,
  zone,
}: {
  doctorId: string;
  doctorName: string;
  slots: { value: string; label: string }[];
  zone: string;
}) {
  const [state, action] = useActionState<RequestFormState, FormData>(requestAppointmentAction, null);
  const [reason, setReason] = useState("");
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  if (slots.length === 0) {
    return (
      <EmptyState title="No free times on this day">
        Choose another day to see {doctorName}&apos;s free times.
      </EmptyState>
    );
  }
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormMessage state={state} />
      <input type="hidden" name="doctorId" value={doctorId} />
      <fieldset aria-describedby={errors?.startsAt ? "slot-error" : undefined}>
        <legend className="mb-2 text-sm font-medium text-slate-800">Time ({zone})</legend>
        <div className="grid grid-cols-3 gap-2 sm:grid-cols-4">
          {slots.map((slot) => (
            <label
              key={slot.value}
              className="flex cursor-pointer items-center justify-center rounded-md border border-slate-300 bg-white px-2 py-2 text-sm has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600"
            >
              <input type="radio" name="startsAt" value={slot.value} required className="sr-only" />
              {slot.label}
            </label>
          ))}
        </div>
        {errors?.startsAt ? (
          <p id="slot-error" className="mt-1 text-sm text-red-700">
            {errors.startsAt.join(" ")}
          </p>
        ) : null}
      </fieldset>
      <TextareaField
        label="Reason for your visit"
        name="reason"
        required
        maxLength={REASON_MAX}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        count={{ value: reason.length, max: REASON_MAX }}
        hint="Shown to the doctor. Do not use this for emergencies."
        errors={errors?.reason}
      />
      <SubmitButton pendingText="Sending request…">Request appointment</SubmitButton>
    </form>
  );
}
