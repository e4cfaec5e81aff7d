"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/http/action";
import { requestAppointment } from "@/lib/appointments/requests";
import { requestAppointmentSchema } from "@/lib/schemas/appointments";
import { formFields, type ActionResult } from "@/lib/schemas/form";

export type RequestFormState = ActionResult<{ id: string }> | null;

export async function requestAppointmentAction(_prev: RequestFormState, form: FormData): Promise<RequestFormState> {
  const result = await runAction({
    roles: ["patient"],
    schema: requestAppointmentSchema,
    input: formFields(form, ["doctorId", "startsAt", "reason"]),
    run: (user, data) => requestAppointment({ patientId: user.id, ...data }),
  });
  if (!result.ok) return result;
  revalidatePath("/patient", "layout");
  redirect(`/patient/appointments?requested=${result.data.id}`);
}
