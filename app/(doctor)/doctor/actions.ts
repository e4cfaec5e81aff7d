"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { runAction } from "@/lib/http/action";
import { setWorkingHours } from "@/lib/doctors/working-hours";
import { workingHoursSchema } from "@/lib/schemas/appointments";
import type { ActionResult } from "@/lib/schemas/form";

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
