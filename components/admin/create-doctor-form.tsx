"use client";

import { useActionState } from "react";
import { createDoctorAction, type CreateDoctorState } from "@/app/(admin)/admin/actions";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextareaField } from "@/components/ui/textarea-field";

export function CreateDoctorForm({ timeZones }: { timeZones: string[] }) {
  const [state, action] = useActionState<CreateDoctorState, FormData>(createDoctorAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const v = state?.values ?? {};
  return (
    <form action={action} className="flex max-w-xl flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <Field label="Full name" name="name" required maxLength={100} defaultValue={v.name} errors={errors?.name} />
      <Field label="Email" name="email" type="email" required defaultValue={v.email} errors={errors?.email} />
      <Field label="Specialty" name="specialty" required maxLength={100} defaultValue={v.specialty} errors={errors?.specialty} />
      <TextareaField label="Short bio (optional)" name="bio" maxLength={1000} defaultValue={v.bio} errors={errors?.bio} />
      <div className="flex flex-col gap-1">
        <label htmlFor="timeZone" className="text-sm font-medium text-slate-800">
          Time zone
        </label>
        <select id="timeZone" name="timeZone" defaultValue={v.timeZone || "Europe/London"} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm">
          {timeZones.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, " ")}
            </option>
          ))}
        </select>
      </div>
      <Field
        label="Temporary password"
        name="temporaryPassword"
        type="text"
        autoComplete="off"
        required
        hint="At least 10 characters, mixing letters with digits or symbols. Share it with the doctor privately."
        errors={errors?.temporaryPassword}
      />
      <SubmitButton pendingText="Creating…">Create doctor account</SubmitButton>
    </form>
  );
}
