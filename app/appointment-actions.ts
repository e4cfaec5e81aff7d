"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/http/action";
import { transitionAppointment, type TransitionResult } from "@/lib/appointments/requests";
import { answerProposal, proposeReschedule, rescheduleSlots } from "@/lib/appointments/reschedule";
import { DomainError } from "@/lib/errors";
import {
  answerProposalSchema,
  appointmentDecisionSchema,
  proposeRescheduleSchema,
  rescheduleSlotsSchema,
} from "@/lib/schemas/appointments";
import { parseLocalDate } from "@/lib/shared/slots";
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

/** Propose a new time for an accepted appointment (either of its two people). */
export async function proposeRescheduleAction(
  input: z.input<typeof proposeRescheduleSchema>,
): Promise<ActionResult<{ id: string }>> {
  const result = await runAction({
    roles: ["patient", "doctor"],
    schema: proposeRescheduleSchema,
    input,
    run: async (user, data) => {
      const p = await proposeReschedule({ actorId: user.id, ...data });
      return { id: p.id };
    },
  });
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

/** Accept or decline the other person's proposal, or withdraw one's own. */
export async function answerProposalAction(
  input: z.input<typeof answerProposalSchema>,
): Promise<ActionResult<{ status: string }>> {
  const result = await runAction({
    roles: ["patient", "doctor"],
    schema: answerProposalSchema,
    input,
    run: async (user, data) => {
      const p = await answerProposal({ actorId: user.id, proposalId: data.proposalId, answer: data.answer });
      return { status: p.status };
    },
  });
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

/** The free times of one day of the appointment's doctor, as ISO instants. */
export async function rescheduleSlotsAction(
  input: z.input<typeof rescheduleSlotsSchema>,
): Promise<ActionResult<string[]>> {
  return runAction({
    roles: ["patient", "doctor"],
    schema: rescheduleSlotsSchema,
    input,
    run: async (user, data) => {
      const date = parseLocalDate(data.date);
      if (!date) throw new DomainError("invalid", "Choose a day.");
      const slots = await rescheduleSlots({ actorId: user.id, appointmentId: data.appointmentId, date });
      return slots.map((s) => s.toISOString());
    },
  });
}
