import { z } from "zod";
import { LIMITS } from "@/lib/shared/model";
import { formatLocalDate, parseLocalDate } from "@/lib/shared/slots";
import type { LocalDate } from "@/lib/shared/time";
import { idSchema } from "./appointments";
import { REQUEST_SHAPE } from "./form";
import { cleanName, stripControl } from "./text";

const wholeDays = (what: string, max: number) =>
  z.coerce
    .number({ error: `Enter ${what} as a number of days.` })
    .int(`Enter ${what} as a whole number of days.`)
    .min(1, `Enter ${what} between 1 and ${max} days.`)
    .max(max, `Enter ${what} between 1 and ${max} days.`);

const localDate = (what: string) =>
  z.string({ error: `Choose ${what}.` }).transform((s, ctx): LocalDate => {
    const date = parseLocalDate(s.trim());
    if (!date) {
      ctx.addIssue({ code: "custom", message: `Choose ${what}.` });
      return z.NEVER;
    }
    return date;
  });

const optionalText = (max: number, clean: (s: string) => string) =>
  z
    .string({ error: "Write it as plain text." })
    .optional()
    .transform((s) => clean(s ?? "").trim())
    .pipe(z.string().max(max, `Use at most ${max} characters.`));

/**
 * The doctor's care settings form. The away period is given as days in the doctor's own zone: the
 * first day away and the day they are back (lib/doctors/care.ts turns them into instants).
 */
export const careSettingsSchema = z
  .object(
    {
      replyDays: wholeDays("the reply time", LIMITS.replyDaysMax),
      replyWindowDays: wholeDays("how long conversations stay open", LIMITS.replyWindowDaysMax),
      away: z
        .enum(["on", "off"], { error: "Say whether you are away." })
        .optional()
        .transform((v) => v === "on"),
      awayFrom: z.string().optional(),
      awayUntil: z.string().optional(),
      awayMessage: optionalText(LIMITS.awayMessageMax, stripControl),
      awayColleague: optionalText(LIMITS.nameMax, cleanName),
    },
    REQUEST_SHAPE,
  )
  .transform((data, ctx) => {
    const base = { replyDays: data.replyDays, replyWindowDays: data.replyWindowDays };
    if (!data.away) return { ...base, away: null };
    const from = localDate("the first day you are away").safeParse(data.awayFrom ?? "");
    const until = localDate("the day you are back").safeParse(data.awayUntil ?? "");
    if (!from.success)
      ctx.addIssue({ code: "custom", path: ["awayFrom"], message: "Choose the first day you are away." });
    if (!until.success) ctx.addIssue({ code: "custom", path: ["awayUntil"], message: "Choose the day you are back." });
    if (!from.success || !until.success) return z.NEVER;
    if (formatLocalDate(until.data) <= formatLocalDate(from.data)) {
      ctx.addIssue({
        code: "custom",
        path: ["awayUntil"],
        message: "The day you are back must be after the first day away.",
      });
      return z.NEVER;
    }
    return {
      ...base,
      away: { from: from.data, until: until.data, message: data.awayMessage, colleague: data.awayColleague },
    };
  });

export type CareSettingsInput = z.output<typeof careSettingsSchema>;

export const reopenRoomSchema = z.object({ roomId: idSchema("conversation") }, REQUEST_SHAPE);
