"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/http/action";
import { transitionAppointment, type TransitionResult } from "@/lib/appointments/requests";
import { appointmentDecisionSchema } from "@/lib/schemas/appointments";
import type { ActionResult } from "@/lib/schemas/form";

const changeSchema = appointmentDecisionSchema.extend({
  action: z.enum(["accept", "decline", "cancel", "complete"], { error: "That action is not available." }),
});

/** Accept, decline, cancel or complete an appointment; lib/appointments decides who may. */
export async function changeAppointmentAction(
  input: z.input<typeof changeSchema>,
): Promise<ActionResult<TransitionResult>> {
  const result = await runAction({
    roles: ["patient", "doctor"],
    schema: changeSchema,
    input,
    run: (user, data) =>
      transitionAppointment({
        actorId: user.id,
        appointmentId: data.appointmentId,
        action: data.action,
        note: data.note,
      }),
  });
  if (result.ok) revalidatePath("/", "layout");
  return result;
}
