"use client";

import { useActionState } from "react";
import { createDoctorAction, type CreateDoctorState } from "@/app/(admin)/admin/actions";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { TimeZoneSelect } from "@/components/ui/time-zone-select";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextareaField } from "@/components/ui/textarea-field";
import { LIMITS } from "@/lib/shared/model";

export function CreateDoctorForm({ timeZones }: { timeZones: string[] }) {
  const [state, action] = useActionState<CreateDoctorState, FormData>(createDoctorAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const v = state?.values ?? {};
  return (
    <form action={action} className="flex max-w-xl flex-col gap-4" noValidate>
      <FormMessage state={state} />
      <Field
        label="Full name"
        name="name"
        required
        maxLength={LIMITS.nameMax}
        defaultValue={v.name}
        errors={errors?.name}
      />
      <Field label="Email" name="email" type="email" required defaultValue={v.email} errors={errors?.email} />
      <Field
        label="Specialty"
        name="specialty"
        required
        maxLength={LIMITS.specialtyMax}
        defaultValue={v.specialty}
        errors={errors?.specialty}
      />
      <TextareaField
        label="Short bio (optional)"
        name="bio"
        maxLength={LIMITS.bioMax}
        defaultValue={v.bio}
        errors={errors?.bio}
      />
      <TimeZoneSelect
        label="Time zone"
        name="timeZone"
        timeZones={timeZones}
        defaultValue={v.timeZone || "Europe/London"}
      />
      <Field
        label="Temporary password"
        name="temporaryPassword"
        type="text"
        autoComplete="off"
        required
        hint={`At least ${LIMITS.passwordMin} characters, mixing letters with digits or symbols. Share it with the doctor privately.`}
        errors={errors?.temporaryPassword}
      />
      <SubmitButton pendingText="Creating…">Create doctor account</SubmitButton>
    </form>
  );
}
