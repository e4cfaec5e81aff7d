"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { reopenRoom } from "@/lib/chat/window";
import { saveCareSettingsForm } from "@/lib/doctors/care";
import { CHECK_FIELDS, runAction } from "@/lib/http/action";
import { setWorkingHours } from "@/lib/doctors/working-hours";
import { workingHoursSchema } from "@/lib/schemas/appointments";
import { careSettingsSchema, reopenRoomSchema } from "@/lib/schemas/care";
import { formFields, type ActionResult } from "@/lib/schemas/form";

export async function saveWorkingHoursAction(
  input: z.input<typeof workingHoursSchema>,
): Promise<ActionResult<undefined>> {
  const result = await runAction({
    roles: ["doctor"],
    schema: workingHoursSchema,
    input,
    run: async (user, data) => {
      await setWorkingHours({
        doctorId: user.id,
        timeZone: data.timeZone,
        hours: data.days
          .filter((d) => d.enabled)
          .map((d) => ({ weekday: d.weekday, startMinute: d.start, endMinute: d.end })),
      });
      return undefined;
    },
  });
  if (result.ok) revalidatePath("/doctor/settings");
  return result;
}

export type CareSettingsState = ActionResult | null;

/** Reply time, reply window and away period (the form on the settings page). */
export async function saveCareSettingsAction(_prev: CareSettingsState, form: FormData): Promise<CareSettingsState> {
  const result = await runAction({
    roles: ["doctor"],
    schema: careSettingsSchema,
    input: formFields(form, [
      "replyDays",
      "replyWindowDays",
      "away",
      "awayFrom",
      "awayUntil",
      "awayMessage",
      "awayColleague",
    ]),
    invalidMessage: CHECK_FIELDS,
    run: async (user, data) => void (await saveCareSettingsForm(user.id, data)),
  });
  if (result.ok) revalidatePath("/doctor/settings");
  return result;
}

/** "Reopen for N days" on a conversation whose reply window has passed: only the room's doctor. */
export async function reopenRoomAction(
  input: z.input<typeof reopenRoomSchema>,
): Promise<ActionResult<{ reopenedUntil: string }>> {
  const result = await runAction({
    roles: ["doctor"],
    schema: reopenRoomSchema,
    input,
    run: async (user, data) => {
      const { reopenedUntil } = await reopenRoom({ roomId: data.roomId, doctorId: user.id });
      return { reopenedUntil: reopenedUntil.toISOString() };
    },
  });
  if (result.ok) revalidatePath(`/chat/${String((input as { roomId?: unknown }).roomId)}`);
  return result;
}
