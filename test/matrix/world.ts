import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startSession } from "@/lib/auth/sessions";
import { eq, getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "@/db/client";
import * as schema from "@/db/schema";
import { appointments, chatRooms, messages, roomMembers, users } from "@/db/schema";
import type { AppointmentStatus } from "@/lib/shared/model";
import { DEMO_ADMIN_EMAIL, DEMO_DOCTORS, DEMO_PATIENTS, DEMO_PASSWORD } from "@/db/seed";
import { findUserByEmail, type PublicUser } from "@/lib/users/accounts";
import { recountRoomMembers } from "@/lib/chat/member-state";
import { request, signInAs } from "./request";

export { DEMO_PASSWORD };

/**
 * Who calls: nobody, the patient and the doctor who own the fixtures, a patient and a doctor who
 * do not, an admin, the owning doctor while their password is temporary, and the owning patient
 * once deactivated (the session cookie still names them).
 */
export const CALLERS = [
  "anonymous",
  "patient",
  "otherPatient",
  "doctor",
  "otherDoctor",
  "admin",
  "doctorWithTemporaryPassword",
  "deactivatedPatient",
] as const;
export type Caller = (typeof CALLERS)[number];

export interface People {
  patient: PublicUser;
  otherPatient: PublicUser;
  doctor: PublicUser;
  otherDoctor: PublicUser;
  admin: PublicUser;
}

export async function loadPeople(): Promise<People> {
  const find = async (email: string) => {
    const user = await findUserByEmail(email);
    if (!user) throw new Error(`seeded user ${email} missing`);
    return user;
  };
  return {
    patient: await find(DEMO_PATIENTS[0].email),
    otherPatient: await find(DEMO_PATIENTS[1].email),
    doctor: await find(DEMO_DOCTORS[0].email),
    otherDoctor: await find(DEMO_DOCTORS[1].email),
    admin: await find(DEMO_ADMIN_EMAIL),
  };
}

/** The user behind a caller (null for anonymous). */
export function userOf(people: People, caller: Caller): PublicUser | null {
  switch (caller) {
    case "anonymous":
      return null;
    case "doctorWithTemporaryPassword":
      return people.doctor;
    case "deactivatedPatient":
      return people.patient;
    default:
      return people[caller];
  }
}

/** Signs the caller in, flagging their account as the caller needs; returns the undo. */
export async function actAs(db: Database, people: People, caller: Caller): Promise<() => Promise<void>> {
  const user = userOf(people, caller);
  signInAs(user?.id ?? null);
  // The session's row exists before the call, as after a real sign-in (the call must not be what makes it).
  if (user && request.session) await startSession({ userId: user.id, sessionId: request.session.sessionId });
  if (caller === "doctorWithTemporaryPassword") {
    await db.update(users).set({ mustChangePassword: true }).where(eq(users.id, people.doctor.id));
    return async () =>
      void (await db.update(users).set({ mustChangePassword: false }).where(eq(users.id, people.doctor.id)));
  }
  if (caller === "deactivatedPatient") {
    await db.update(users).set({ active: false }).where(eq(users.id, people.patient.id));
    return async () => void (await db.update(users).set({ active: true }).where(eq(users.id, people.patient.id)));
  }
  return async () => {};
}

// ---------------------------------------------------------------- fixtures

let slot = 0;
/** A distinct instant per call (whole half hours), in the future or the past. */
export function freshInstant(when: "future" | "past" = "future"): Date {
  slot++;
  const base = when === "future" ? Date.UTC(2032, 0, 5, 9, 0) : Date.UTC(2021, 0, 5, 9, 0);
  return new Date(base + slot * 30 * 60_000);
}

export async function makeAppointment(
  db: Database,
  input: { patientId: string; doctorId: string; status?: AppointmentStatus; when?: "future" | "past"; reason?: string },
): Promise<string> {
  const [row] = await db
    .insert(appointments)
    .values({
      patientId: input.patientId,
      doctorId: input.doctorId,
      startsAt: freshInstant(input.when),
      status: input.status ?? "requested",
      reason: input.reason ?? "A test visit.",
    })
    .returning({ id: appointments.id });
  return row!.id;
}

/** An accepted appointment's room with one message from each member, both unread. */
export async function makeRoom(
  db: Database,
  patientId: string,
  doctorId: string,
): Promise<{ roomId: string; appointmentId: string }> {
  const appointmentId = await makeAppointment(db, { patientId, doctorId, status: "accepted" });
  const [room] = await db.insert(chatRooms).values({ appointmentId, lastSeq: 2 }).returning({ id: chatRooms.id });
  const roomId = room!.id;
  await db.insert(roomMembers).values([
    { roomId, userId: patientId },
    { roomId, userId: doctorId },
  ]);
  await db.insert(messages).values([
    { roomId, seq: 1, senderId: patientId, clientId: crypto.randomUUID(), body: "Hello, doctor." },
    { roomId, seq: 2, senderId: doctorId, clientId: crypto.randomUUID(), body: "Hello, how can I help?" },
  ]);
  // Written straight into the tables: bring the members' counters up to date as a send would.
  await recountRoomMembers(db, [roomId]);
  return { roomId, appointmentId };
}

let serial = 0;
export const unique = () => `${Date.now().toString(36)}${++serial}${crypto.randomBytes(3).toString("hex")}`;

// ---------------------------------------------------------------- the database, before and after

let existingTables: Promise<string[]> | undefined;

function rowsOf(result: unknown): Record<string, unknown>[] {
  // postgres.js answers an array of rows, PGlite an object holding them.
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<
    string,
    unknown
  >[];
}

/**
 * A digest of every table of the schema (row count and a hash of its rows in a stable order), in
 * one query. A table of the schema whose migration is not generated yet shows as "absent".
 */
export async function tableDigests(db: Database): Promise<Record<string, string>> {
  const names = Object.values(schema)
    .filter((value) => is(value, PgTable))
    .map((table) => getTableName(table as PgTable))
    .sort();
  existingTables ??= db
    .execute(sql`select tablename from pg_tables where schemaname = current_schema()`)
    .then((result) => rowsOf(result).map((r) => String(r.tablename)));
  const present = new Set(await existingTables);
  const parts = names
    .filter((name) => present.has(name))
    .map(
      (name) =>
        `select '${name}' as name, count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest from "${name}" t`,
    );
  const out: Record<string, string> = Object.fromEntries(names.map((name) => [name, "absent"]));
  if (parts.length === 0) return out;
  for (const row of rowsOf(await db.execute(sql.raw(parts.join(" union all ")))))
    out[String(row.name)] = `${String(row.n)} rows ${String(row.digest)}`;
  return out;
}

/** Tables whose change is the expected trace of a refused attempt, not a write of the attempt. */
export const ATTEMPT_TRACES = ["rate_limits", "audit_events"] as const;

export function withoutTables(digests: Record<string, string>, tables: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(digests).filter(([name]) => !tables.includes(name)));
}

// ---------------------------------------------------------------- the app's files

const APP = path.join(process.cwd(), "app");

function walk(dir: string, root = APP): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full, root) : [path.relative(root, full).split(path.sep).join("/")];
  });
}

const startsWithUseServer = (file: string) => /^\s*(["'])use server\1/.test(fs.readFileSync(file, "utf8"));

/** Server-action modules outside app/, where the matrix does not look for them (relative to the project). */
export function serverActionModulesOutsideApp(): string[] {
  return ["components", "lib", "db"]
    .flatMap((dir) => walk(path.join(process.cwd(), dir), process.cwd()))
    .filter((f) => /\.(ts|tsx)$/.test(f) && startsWithUseServer(path.join(process.cwd(), f)));
}

/** Every page, layout, route handler and server-action module under app/, relative to app/. */
export function appEntryPoints(): { pages: string[]; layouts: string[]; routes: string[]; actionModules: string[] } {
  const files = walk(APP).sort();
  const isServerActionModule = (file: string) =>
    /\.(ts|tsx)$/.test(file) && !file.endsWith(".test.ts") && startsWithUseServer(path.join(APP, file));
  return {
    pages: files.filter((f) => /(^|\/)page\.(tsx|ts|jsx|js)$/.test(f)),
    layouts: files.filter((f) => /(^|\/)layout\.(tsx|ts|jsx|js)$/.test(f)),
    routes: files.filter((f) => /(^|\/)route\.(ts|js)$/.test(f)),
    actionModules: files.filter(isServerActionModule),
  };
}

/** Free slots of a doctor from tomorrow on, as the booking page offers them: fuel for requests. */
export async function freeSlotPool(doctorId: string, timeZone: string, count: number): Promise<Date[]> {
  const { freeSlots } = await import("@/lib/doctors/free-slots");
  const { bookableDates } = await import("@/lib/shared/slots");
  const { addDays } = await import("@/lib/shared/time");
  const { first } = bookableDates(new Date(), timeZone);
  const pool: Date[] = [];
  for (let i = 1; i < 60 && pool.length < count; i++)
    pool.push(...(await freeSlots({ doctorId, date: addDays(first, i) })));
  if (pool.length < count) throw new Error(`only ${pool.length} free slots for the fixtures`);
  return pool.slice(0, count);
}
