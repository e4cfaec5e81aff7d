import "server-only";
import { asc, eq } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { doctorProfiles, workingHours } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { notFoundError } from "@/lib/errors";
import type { WeeklyHours } from "@/lib/shared/slots";

export async function workingHoursOf(doctorId: string, db: Pick<Database, "select"> = getDb()): Promise<WeeklyHours[]> {
  return db
    .select({ weekday: workingHours.weekday, startMinute: workingHours.startMinute, endMinute: workingHours.endMinute })
    .from(workingHours)
    .where(eq(workingHours.doctorId, doctorId))
    .orderBy(asc(workingHours.weekday));
}

/** Replaces a doctor's weekly hours and time zone (validated by the caller's schema). */
export async function setWorkingHours(input: {
  doctorId: string;
  timeZone: string;
  hours: WeeklyHours[];
}): Promise<void> {
  await getDb().transaction(async (tx) => {
    const updated = await tx
      .update(doctorProfiles)
      .set({ timeZone: input.timeZone })
      .where(eq(doctorProfiles.userId, input.doctorId))
      .returning({ id: doctorProfiles.userId });
    if (updated.length === 0) throw notFoundError("That doctor");
    await tx.delete(workingHours).where(eq(workingHours.doctorId, input.doctorId));
    if (input.hours.length > 0) {
      await tx.insert(workingHours).values(input.hours.map((h) => ({ doctorId: input.doctorId, ...h })));
    }
    await recordAudit(
      {
        actorId: input.doctorId,
        action: "doctor.working_hours_changed",
        targetType: "user",
        targetId: input.doctorId,
        detail: { timeZone: input.timeZone, days: input.hours.length },
      },
      tx,
    );
  });
}
