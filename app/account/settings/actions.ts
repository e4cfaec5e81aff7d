"use server";

import { revalidatePath } from "next/cache";
import { CHECK_FIELDS, runAction } from "@/lib/http/action";
import { saveNotificationSettings } from "@/lib/notify/settings";
import { formFields, type ActionResult } from "@/lib/schemas/form";
import { notificationSettingsSchema } from "@/lib/schemas/notifications";

export type NotificationSettingsState = ActionResult | null;

export async function saveNotificationSettingsAction(
  _prev: NotificationSettingsState,
  form: FormData,
): Promise<NotificationSettingsState> {
  const result = await runAction({
    roles: ["patient", "doctor"],
    schema: notificationSettingsSchema,
    input: formFields(form, ["messageEmails", "digestHour", "appointmentEmails", "timeZone"]),
    invalidMessage: CHECK_FIELDS,
    run: async (user, data) => void (await saveNotificationSettings(user.id, data)),
  });
  if (result.ok) revalidatePath("/account/settings");
  return result;
}
