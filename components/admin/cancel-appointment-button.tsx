"use client";

import { adminCancelAppointmentAction } from "@/app/(admin)/admin/actions";
import { LIMITS } from "@/lib/shared/model";
import { ConfirmButton } from "./confirm-button";

export function CancelAppointmentButton({ appointmentId, label }: { appointmentId: string; label: string }) {
  return (
    <ConfirmButton
      label="Cancel"
      srLabel={label}
      title="Cancel this appointment?"
      description={`${label}. The patient and the doctor will see your reason.`}
      confirmLabel="Cancel appointment"
      done="Appointment cancelled."
      danger
      reason={{ label: "Reason", max: LIMITS.noteMax }}
      run={(reason) => adminCancelAppointmentAction({ appointmentId, reason })}
    />
  );
}
