import { z } from "zod";
import { APPOINTMENT_STATUSES, LIMITS, ROLES } from "@/lib/shared/model";
import { emailSchema, nameSchema, newPasswordSchema } from "@/lib/schemas/auth";
import { REQUEST_SHAPE } from "@/lib/schemas/form";
import { idSchema, isTimeZone, textSchema } from "./appointments";
import { stripControl } from "./text";

// The stems of the passwords people try first; a password that is one of them plus digits or symbols is refused.
const COMMON_STEMS = new Set([
  "password",
  "passw0rd",
  "qwerty",
  "qwertyuiop",
  "letmein",
  "welcome",
  "admin",
  "administrator",
  "doctor",
  "carebridge",
  "iloveyou",
  "monkey",
  "dragon",
  "sunshine",
  "princess",
  "football",
  "baseball",
  "abc",
  "abcdef",
  "changeme",
  "secret",
  "trustno",
  "master",
  "hello",
  "login",
  "summer",
  "winter",
  "spring",
  "autumn",
  "temp",
  "temporary",
  "health",
  "hospital",
]);

function isCommon(password: string): boolean {
  const stem = password
    .toLowerCase()
    .replace(/[^a-z]+$/, "")
    .replace(/^[^a-z]+/, "");
  return COMMON_STEMS.has(stem) || /^(.)\1+$/.test(stem) || /^(0123|1234|abcd)/.test(password.toLowerCase());
}

/** A temporary password must be hard to guess: long enough, mixed, and not a common one. */
export const temporaryPasswordSchema = newPasswordSchema
  .refine((p) => /[A-Za-z]/.test(p) && /[^A-Za-z]/.test(p), "Mix letters with digits or symbols.")
  .refine((p) => new Set(p).size >= 6, "Use more different characters.")
  .refine((p) => !isCommon(p), "Too common: choose something hard to guess.");

export const createDoctorSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  specialty: textSchema("a specialty", LIMITS.specialtyMax),
  bio: z
    .string()
    .optional()
    .transform((s) => stripControl(s ?? "").trim())
    .pipe(z.string().max(LIMITS.bioMax, `Use at most ${LIMITS.bioMax} characters.`)),
  timeZone: z
    .string()
    .optional()
    .transform((s) => s || "Europe/London")
    .pipe(z.string().refine(isTimeZone, "Choose a time zone from the list.")),
  temporaryPassword: temporaryPasswordSchema,
});

export const setUserActiveSchema = z.object(
  { userId: idSchema("user"), active: z.boolean({ error: "Say whether the account should be active." }) },
  REQUEST_SHAPE,
);

export const endSessionsSchema = z.object({ userId: idSchema("user") }, REQUEST_SHAPE);

export const adminCancelSchema = z.object(
  { appointmentId: idSchema("appointment"), reason: textSchema("a reason", LIMITS.noteMax) },
  REQUEST_SHAPE,
);

const page = z.coerce.number().int().min(1).max(100_000).catch(1);
const optionalText = (max: number) =>
  z
    .string()
    .transform((s) => stripControl(s).trim())
    .pipe(z.string().max(max))
    .optional()
    .catch(undefined)
    .transform((s) => s || undefined);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .transform((s) => new Date(`${s}T00:00:00Z`))
  .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1900 && d.getUTCFullYear() <= 9998)
  .optional()
  .catch(undefined);

export const userFilterSchema = z.object({
  q: optionalText(100),
  role: z.enum(ROLES).optional().catch(undefined),
  page,
});

export const appointmentFilterSchema = z.object({
  status: z.enum(APPOINTMENT_STATUSES).optional().catch(undefined),
  doctorId: z.uuid().optional().catch(undefined),
  from: day,
  to: day,
  page,
});

export const auditFilterSchema = z.object({ action: optionalText(64), actor: optionalText(100), page });

export const pageSchema = z.object({ page });
