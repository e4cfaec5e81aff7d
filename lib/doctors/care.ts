import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { doctorProfiles } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { notFoundError } from "@/lib/errors";
import type { CareSettingsInput } from "@/lib/schemas/care";
import type { AwayPeriod } from "@/lib/shared/care";
import { zonedToUtc } from "@/lib/shared/time";

/** What a doctor promises patients: reply time, reply window and an optional away period. */
export interface CareSettings {
  replyDays: number;
  replyWindowDays: number;
  away: AwayPeriod | null;
}

/** The columns of doctor_profiles that make CareSettings, for queries that join the profile. */
export const careColumns = {
  replyDays: doctorProfiles.replyDays,
  replyWindowDays: doctorProfiles.replyWindowDays,
  awayFrom: doctorProfiles.awayFrom,
  awayUntil: doctorProfiles.awayUntil,
  awayMessage: doctorProfiles.awayMessage,
  awayColleague: doctorProfiles.awayColleague,
};

type CareRow = {
  replyDays: number;
  replyWindowDays: number;
  awayFrom: Date | null;
  awayUntil: Date | null;
  awayMessage: string;
  awayColleague: string;
};

export function careOf(row: CareRow): CareSettings {
  return {
    replyDays: row.replyDays,
    replyWindowDays: row.replyWindowDays,
    away:
      row.awayFrom && row.awayUntil
        ? { from: row.awayFrom, until: row.awayUntil, message: row.awayMessage, colleague: row.awayColleague }
        : null,
  };
}

export async function careSettingsOf(
  doctorId: string,
  db: Pick<Database, "select"> = getDb(),
): Promise<(CareSettings & { timeZone: string }) | null> {
  const [row] = await db
    .select({ ...careColumns, timeZone: doctorProfiles.timeZone })
    .from(doctorProfiles)
    .where(eq(doctorProfiles.userId, doctorId))
    .limit(1);
  return row ? { ...careOf(row), timeZone: row.timeZone } : null;
}

/** Replaces a doctor's care settings (validated by lib/schemas/care.ts), audited with the change. */
export async function setCareSettings(input: { doctorId: string } & CareSettings): Promise<void> {
  await getDb().transaction(async (tx) => {
    const updated = await tx
      .update(doctorProfiles)
      .set({
        replyDays: input.replyDays,
        replyWindowDays: input.replyWindowDays,
        awayFrom: input.away?.from ?? null,
        awayUntil: input.away?.until ?? null,
        awayMessage: input.away?.message ?? "",
        awayColleague: input.away?.colleague ?? "",
      })
      .where(eq(doctorProfiles.userId, input.doctorId))
      .returning({ id: doctorProfiles.userId });
    if (updated.length === 0) throw notFoundError("That doctor");
    await recordAudit(
      {
        actorId: input.doctorId,
        action: "doctor.care_settings_changed",
        targetType: "user",
        targetId: input.doctorId,
        detail: {
          replyDays: input.replyDays,
          replyWindowDays: input.replyWindowDays,
          awayFrom: input.away?.from.toISOString() ?? null,
          awayUntil: input.away?.until.toISOString() ?? null,
        },
      },
      tx,
    );
  });
}

/** Saves the settings form: the away days become instants at midnight in the doctor's zone. */
export async function saveCareSettingsForm(doctorId: string, input: CareSettingsInput): Promise<void> {
  const current = await careSettingsOf(doctorId);
  if (!current) throw notFoundError("That doctor");
  const away = input.away && {
    from: zonedToUtc(input.away.from, 0, current.timeZone),
    until: zonedToUtc(input.away.until, 0, current.timeZone),
    message: input.away.message,
    colleague: input.away.colleague,
  };
  await setCareSettings({ doctorId, replyDays: input.replyDays, replyWindowDays: input.replyWindowDays, away });
}
