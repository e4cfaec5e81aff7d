import "server-only";
import { and, eq, gte, lt } from "drizzle-orm";
import { getDb } from "@/db";
import { appointments } from "@/db/schema";
import { awayAt } from "@/lib/shared/care";
import { bookingWindow, slotsOfDay } from "@/lib/shared/slots";
import type { LocalDate } from "@/lib/shared/time";
import { findBookableDoctor } from "./directory";

/**
 * The free slots of one local day of the doctor's: future, within the horizon, not while they are
 * away (such requests are refused), not accepted already.
 */
export async function freeSlots(input: { doctorId: string; date: LocalDate; now?: Date }): Promise<Date[]> {
  const now = input.now ?? new Date();
  const doctor = await findBookableDoctor(input.doctorId);
  if (!doctor) return [];
  const { from, to } = bookingWindow(now);
  const candidates = slotsOfDay(input.date, doctor.hours, doctor.timeZone).filter(
    (s) => s > from && s <= to && !awayAt(doctor.away, s),
  );
  if (candidates.length === 0) return [];
  const taken = await getDb()
    .select({ startsAt: appointments.startsAt })
    .from(appointments)
    .where(
      and(
        eq(appointments.doctorId, input.doctorId),
        eq(appointments.status, "accepted"),
        gte(appointments.startsAt, candidates[0]!),
        lt(appointments.startsAt, new Date(candidates[candidates.length - 1]!.getTime() + 1)),
      ),
    );
  const takenAt = new Set(taken.map((t) => t.startsAt.getTime()));
  return candidates.filter((s) => !takenAt.has(s.getTime()));
}
