import { z } from "zod";
import { stripControl } from "./text";
import { LIMITS } from "@/lib/shared/model";
import { SLOT_MINUTES } from "@/lib/shared/slots";
import { REQUEST_SHAPE } from "@/lib/schemas/form";

export const idSchema = (what: string) => z.uuid({ error: `That ${what} was not found.` });

/** Free text a person writes: control characters removed, trimmed, within bounds. */
export const textSchema = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label}.` })
    .transform((s) => stripControl(s).trim())
    .pipe(z.string().min(1, `Enter ${label}.`).max(max, `Use at most ${max} characters.`));

export const requestAppointmentSchema = z.object(
  {
    doctorId: idSchema("doctor"),
    startsAt: z.iso.datetime({ offset: true, error: "Choose a time from the list." }).transform((s) => new Date(s)),
    reason: textSchema("the reason for your visit", LIMITS.reasonMax),
  },
  REQUEST_SHAPE,
);

export const appointmentDecisionSchema = z.object(
  {
    appointmentId: idSchema("appointment"),
    note: z
      .string({ error: "Write the note as plain text." })
      .optional()
      .transform((s) => (s === undefined ? undefined : stripControl(s).trim() || undefined))
      .pipe(z.string().max(LIMITS.noteMax, `Use at most ${LIMITS.noteMax} characters.`).optional()),
  },
  REQUEST_SHAPE,
);

/** A search field from the URL: control characters (NUL included, which PostgreSQL refuses) removed. */
const searchText = (max: number) =>
  z
    .string()
    .transform((s) => stripControl(s).trim())
    .pipe(z.string().max(max))
    .optional()
    .catch(undefined);

export const directoryFilterSchema = z.object({
  specialty: searchText(LIMITS.specialtyMax),
  q: searchText(100),
});

export const dateParamSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

export function isTimeZone(value: string): boolean {
  if (value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const timeOfDay = z
  .string({ error: "Use a time like 09:00." })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "Use a time like 09:00.")
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5)))
  .refine((m) => m % SLOT_MINUTES === 0, `Use a time on the hour or half past.`);

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

const EACH_DAY = "Give the hours of each day of the week once.";
const weekday = z.number({ error: EACH_DAY }).int(EACH_DAY).min(1, EACH_DAY).max(7, EACH_DAY);

export const workingHoursSchema = z.object(
  {
    timeZone: z
      .string({ error: "Choose a time zone from the list." })
      .refine(isTimeZone, "Choose a time zone from the list."),
    days: z
      .array(
        z
          .object(
            {
              weekday,
              enabled: z.boolean({ error: "Say whether you work that day." }),
              start: timeOfDay,
              end: timeOfDay,
            },
            { error: EACH_DAY },
          )
          .refine((d) => !d.enabled || d.start < d.end, {
            message: "The day must end after it starts.",
            path: ["end"],
          }),
        { error: EACH_DAY },
      )
      .length(7, EACH_DAY)
      .refine((ds) => new Set(ds.map((d) => d.weekday)).size === 7, EACH_DAY),
  },
  REQUEST_SHAPE,
);

export const proposeRescheduleSchema = z.object(
  {
    appointmentId: idSchema("appointment"),
    startsAt: z.iso.datetime({ offset: true, error: "Choose a time from the list." }).transform((s) => new Date(s)),
  },
  REQUEST_SHAPE,
);

export const answerProposalSchema = z.object(
  {
    proposalId: idSchema("proposal"),
    answer: z.enum(["accept", "decline", "withdraw"], { error: "That answer is not available." }),
  },
  REQUEST_SHAPE,
);

export const rescheduleSlotsSchema = z.object(
  {
    appointmentId: idSchema("appointment"),
    date: z.string({ error: "Choose a day." }).regex(/^\d{4}-\d{2}-\d{2}$/, "Choose a day."),
  },
  REQUEST_SHAPE,
);
