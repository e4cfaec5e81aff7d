import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db";
import { doctorProfiles, users } from "@/db/schema";
import type { AwayPeriod } from "@/lib/shared/care";
import type { WeeklyHours } from "@/lib/shared/slots";
import { careColumns, careOf } from "./care";
import { workingHoursOf } from "./working-hours";

export interface DoctorCard {
  id: string;
  name: string;
  specialty: string;
  bio: string;
  timeZone: string;
  /** "Usually replies within N business days". */
  replyDays: number;
  /** The away period set, if any (shown while it is now: lib/shared/care.ts awayAt). */
  away: AwayPeriod | null;
}

const doctorColumns = {
  id: users.id,
  name: users.name,
  specialty: doctorProfiles.specialty,
  bio: doctorProfiles.bio,
  timeZone: doctorProfiles.timeZone,
  ...careColumns,
};

function cardOf(
  row: {
    id: string;
    name: string;
    specialty: string;
    bio: string;
    timeZone: string;
  } & Parameters<typeof careOf>[0],
): DoctorCard {
  const { replyDays, away } = careOf(row);
  return {
    id: row.id,
    name: row.name,
    specialty: row.specialty,
    bio: row.bio,
    timeZone: row.timeZone,
    replyDays,
    away,
  };
}

/** Active doctors, optionally of one specialty and whose name contains `query`. */
export async function listDoctors(filter: { specialty?: string; query?: string } = {}): Promise<DoctorCard[]> {
  const conditions = [eq(users.active, true), eq(users.role, "doctor")];
  if (filter.specialty) conditions.push(eq(doctorProfiles.specialty, filter.specialty));
  if (filter.query) {
    const escaped = filter.query.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`${users.name} ilike ${`%${escaped}%`}`);
  }
  const rows = await getDb()
    .select(doctorColumns)
    .from(users)
    .innerJoin(doctorProfiles, eq(doctorProfiles.userId, users.id))
    .where(and(...conditions))
    .orderBy(asc(users.name));
  return rows.map(cardOf);
}

export async function listSpecialties(): Promise<string[]> {
  const rows = await getDb()
    .selectDistinct({ specialty: doctorProfiles.specialty })
    .from(doctorProfiles)
    .innerJoin(users, eq(users.id, doctorProfiles.userId))
    .where(eq(users.active, true))
    .orderBy(asc(doctorProfiles.specialty));
  return rows.map((r) => r.specialty);
}

/** An active doctor with their weekly hours, or null (unknown, deactivated or not a doctor). */
export async function findBookableDoctor(
  doctorId: string,
  db: Pick<Database, "select"> = getDb(),
): Promise<(DoctorCard & { hours: WeeklyHours[] }) | null> {
  const [doctor] = await db
    .select(doctorColumns)
    .from(users)
    .innerJoin(doctorProfiles, eq(doctorProfiles.userId, users.id))
    .where(and(eq(users.id, doctorId), eq(users.active, true), eq(users.role, "doctor")))
    .limit(1);
  if (!doctor) return null;
  return { ...cardOf(doctor), hours: await workingHoursOf(doctorId, db) };
}
