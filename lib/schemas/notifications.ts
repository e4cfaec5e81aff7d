import { z } from "zod";
import { REQUEST_SHAPE } from "./form";
import { isTimeZone } from "./appointments";

export const notificationSettingsSchema = z.object(
  {
    messageEmails: z.enum(["each", "digest", "none"], { error: "Choose how to hear about new messages." }),
    digestHour: z.coerce
      .number({ error: "Choose the hour of the daily email." })
      .int("Choose the hour of the daily email.")
      .min(0, "Choose the hour of the daily email.")
      .max(23, "Choose the hour of the daily email."),
    appointmentEmails: z
      .enum(["on", "off"], { error: "Say whether to get appointment emails." })
      .transform((v) => v === "on"),
    timeZone: z
      .string({ error: "Choose a time zone from the list." })
      .refine(isTimeZone, "Choose a time zone from the list."),
  },
  REQUEST_SHAPE,
);

export const unsubscribeTokenSchema = z
  .string({ error: "This unsubscribe link is not valid." })
  .max(200, "This unsubscribe link is not valid.");
