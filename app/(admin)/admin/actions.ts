"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { runAction } from "@/lib/http/action";
import { adminCancelAppointment } from "@/lib/appointments/admin";
import { createDoctor, endUserSessions, setUserActive } from "@/lib/users/admin";
import { adminCancelSchema, createDoctorSchema, endSessionsSchema, setUserActiveSchema } from "@/lib/schemas/admin";
import { formFields, type ActionResult } from "@/lib/schemas/form";

export type CreateDoctorState = (ActionResult<{ id: string }> & { values?: Record<string, string> }) | null;

export async function createDoctorAction(_prev: CreateDoctorState, form: FormData): Promise<CreateDoctorState> {
  const fields = formFields(form, ["name", "email", "specialty", "bio", "timeZone", "temporaryPassword"]);
  const result = await runAction({
    roles: ["admin"],
    schema: createDoctorSchema,
    input: fields,
    run: (admin, data) => createDoctor({ adminId: admin.id, ...data }),
  });
  if (!result.ok) {
    const { temporaryPassword: _secret, ...values } = fields;
    return { ...result, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? ""])) };
  }
  revalidatePath("/admin", "layout");
  redirect(`/admin/users?created=${result.data.id}`);
}

export async function setUserActiveAction(
  input: z.input<typeof setUserActiveSchema>,
): Promise<ActionResult<undefined>> {
  const result = await runAction({
    roles: ["admin"],
    schema: setUserActiveSchema,
    input,
    run: async (admin, data) =>
      void (await setUserActive({ adminId: admin.id, userId: data.userId, active: data.active })),
  });
  if (result.ok) revalidatePath("/admin", "layout");
  return result;
}

export async function adminCancelAppointmentAction(
  input: z.input<typeof adminCancelSchema>,
): Promise<ActionResult<undefined>> {
  const result = await runAction({
    roles: ["admin"],
    schema: adminCancelSchema,
    input,
    run: async (admin, data) =>
      void (await adminCancelAppointment({
        adminId: admin.id,
        appointmentId: data.appointmentId,
        reason: data.reason,
      })),
  });
  if (result.ok) revalidatePath("/admin", "layout");
  return result;
}

export async function endUserSessionsAction(
  input: z.input<typeof endSessionsSchema>,
): Promise<ActionResult<undefined>> {
  const result = await runAction({
    roles: ["admin"],
    schema: endSessionsSchema,
    input,
    run: async (admin, data) => void (await endUserSessions({ adminId: admin.id, userId: data.userId })),
  });
  if (result.ok) revalidatePath("/admin", "layout");
  return result;
}
