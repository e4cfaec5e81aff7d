import { and, asc, count, desc, eq, gte, ilike, lt, or, sql, type SQL, type Subquery } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "@/db/index";
import { isUniqueViolation } from "@/db/errors";
import { appointments, auditEvents, chatRooms, doctorProfiles, roomMembers, users, workingHours } from "@/db/schema";
import { APPOINTMENT_STATUSES, ROLES, type AppointmentStatus, type Role } from "@/lib/shared/model";
import { recordAudit } from "@/lib/audit";
import { publish } from "@/lib/live/hub";
import { DomainError, notFoundError } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { countMessagesSince, foldCounterDeltas, readCounters } from "./stat-counters";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";

export const ADMIN_PAGE_SIZE = 20;
/**
 * A list's total is counted up to this many pages past the one shown, not to the end: counting
 * 100 000 appointments or audit events costs more than the page itself. Beyond it the total is
 * a lower bound ("more than 220"), as in mail clients and search engines.
 */
const COUNT_AHEAD_PAGES = 10;

export interface Page<T> {
  rows: T[];
  /** Every match, or the number counted when `more` says there are more. */
  total: number;
  /** The count stopped before the last match. */
  more: boolean;
  page: number;
  pageCount: number;
}

/** How many matches to count for this page: one more than the cap tells whether there are more. */
const countLimit = (page: number) => (page + COUNT_AHEAD_PAGES) * ADMIN_PAGE_SIZE + 1;

function pageOf<T>(rows: T[], counted: number, page: number, exact = false): Page<T> {
  const more = !exact && counted >= countLimit(page);
  const total = more ? counted - 1 : counted;
  return { rows, total, more, page, pageCount: Math.max(1, Math.ceil(total / ADMIN_PAGE_SIZE)) };
}

/**
 * count(*) of a query's rows, stopping at this page's count limit. Given the list's own order, the
 * planner reads the list's index for the first rows rather than the table.
 */
function countUpTo(query: { limit: (n: number) => { as: (alias: string) => Subquery } }, page: number) {
  return getDb()
    .select({ n: count() })
    .from(query.limit(countLimit(page)).as("counted"));
}

// Each list's order, used by its page and by its capped count (which then reads the same index).
const usersNewestFirst = [desc(users.createdAt), desc(users.id)];
const appointmentsLatestFirst = [desc(appointments.startsAt), desc(appointments.id)];
const auditNewestFirst = [desc(auditEvents.createdAt), desc(auditEvents.id)];
const roomsLatestActivityFirst = [desc(chatRooms.lastActivityAt), desc(chatRooms.id)];

const likeOf = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// ---------------------------------------------------------------- overview

/**
 * Users by role, appointments by status, open rooms and messages of the last 24 hours, from the
 * counters the database keeps on write (lib/stat-counters): no table is counted row by row.
 */
export async function overview(now: Date = new Date()) {
  const [counters, messagesLast24h] = await Promise.all([
    readCounters(),
    countMessagesSince(new Date(now.getTime() - 24 * 3_600_000)),
    foldCounterDeltas(),
  ]);
  const counter = (name: string) => counters.get(name) ?? 0;
  return {
    usersByRole: ROLES.map((role) => ({ role, count: counter(`users.${role}`) })),
    appointmentsByStatus: APPOINTMENT_STATUSES.map((status) => ({ status, count: counter(`appointments.${status}`) })),
    messagesLast24h,
    activeRooms: counter("rooms.open"),
  };
}

// ---------------------------------------------------------------- users

export interface AdminUserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: Date;
}

/** A user's name and email as one text, the expression of the trigram index users_search_trgm_idx. */
const searchText = sql`(${users.name} || chr(1) || ${users.email})`;

export async function listUsers(filter: { q?: string; role?: Role; page: number }): Promise<Page<AdminUserRow>> {
  const conditions: SQL[] = [];
  if (filter.q) conditions.push(ilike(searchText, likeOf(filter.q)));
  if (filter.role) conditions.push(eq(users.role, filter.role));
  const where = conditions.length ? and(...conditions) : undefined;
  const db = getDb();
  const columns = {
    id: users.id,
    name: users.name,
    email: users.email,
    role: users.role,
    active: users.active,
    createdAt: users.createdAt,
  };
  const offset = (filter.page - 1) * ADMIN_PAGE_SIZE;
  // A search of three characters or more reads the trigram indexes and sorts what matched. Left
  // to itself the planner may walk every user newest first, testing each: slowest exactly when
  // few match, as searches usually do. OFFSET 0 keeps the match apart from the ordering (drizzle
  // leaves out a numeric 0, hence the SQL fragment).
  const matches =
    (filter.q?.length ?? 0) >= 3
      ? db
          .select(columns)
          .from(users)
          .where(where)
          .offset(sql`0` as unknown as number)
          .as("matches")
      : null;
  if (matches) {
    // One pass over the matches gives the page and how many matched in all.
    const found = await db
      .select({
        id: matches.id,
        name: matches.name,
        email: matches.email,
        role: matches.role,
        active: matches.active,
        createdAt: matches.createdAt,
        matched: sql<number>`count(*) over ()`.mapWith(Number),
      })
      .from(matches)
      .orderBy(desc(matches.createdAt), desc(matches.id))
      .limit(ADMIN_PAGE_SIZE)
      .offset(offset);
    const rows = found.map(({ matched: _, ...row }) => row);
    if (found.length > 0 || filter.page === 1) return pageOf(rows, found[0]?.matched ?? 0, filter.page, true);
    const [total] = await countUpTo(
      db
        .select({ one: sql`1` })
        .from(users)
        .where(where),
      filter.page,
    );
    return pageOf(rows, total?.n ?? 0, filter.page);
  }
  const [rows, [total]] = await Promise.all([
    db
      .select(columns)
      .from(users)
      .where(where)
      .orderBy(...usersNewestFirst)
      .limit(ADMIN_PAGE_SIZE)
      .offset(offset),
    countUpTo(
      db
        .select({ one: sql`1` })
        .from(users)
        .where(where)
        .orderBy(...usersNewestFirst),
      filter.page,
    ),
  ]);
  return pageOf(rows, total?.n ?? 0, filter.page);
}

/** A doctor account with a temporary password that must be changed at first sign-in. */
export async function createDoctor(input: {
  adminId: string;
  name: string;
  email: string;
  specialty: string;
  bio: string;
  timeZone: string;
  temporaryPassword: string;
}): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.temporaryPassword);
  try {
    return await getDb().transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          name: input.name,
          email: input.email.toLowerCase(),
          passwordHash,
          role: "doctor",
          mustChangePassword: true,
        })
        .returning({ id: users.id });
      if (!user) throw new Error("insert returned no row");
      await tx
        .insert(doctorProfiles)
        .values({ userId: user.id, specialty: input.specialty, bio: input.bio, timeZone: input.timeZone });
      await tx.insert(workingHours).values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: user.id, ...h })));
      await recordAudit(
        {
          actorId: input.adminId,
          action: "admin.doctor_created",
          targetType: "user",
          targetId: user.id,
          detail: { specialty: input.specialty },
        },
        tx,
      );
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_lower_key")) {
      throw new DomainError("conflict", "An account with this email already exists.", {
        email: ["An account with this email already exists."],
      });
    }
    throw error;
  }
}

/**
 * Deactivates or reactivates a patient or doctor. Admin accounts (the acting one included) are
 * never switched off here, so the last admin can never lock everyone out. Data is kept.
 */
export async function setUserActive(input: { adminId: string; userId: string; active: boolean }): Promise<void> {
  if (input.userId === input.adminId)
    throw new DomainError("conflict", "You cannot change your own account's access here.");
  const changed = await getDb().transaction(async (tx) => {
    const [user] = await tx
      .select({ role: users.role, active: users.active })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update")
      .limit(1);
    if (!user) throw notFoundError("That user");
    if (user.role === "admin") throw new DomainError("conflict", "Administrator accounts cannot be deactivated here.");
    if (user.active === input.active) return false;
    await tx.update(users).set({ active: input.active }).where(eq(users.id, input.userId));
    await recordAudit(
      {
        actorId: input.adminId,
        action: input.active ? "admin.user_reactivated" : "admin.user_deactivated",
        targetType: "user",
        targetId: input.userId,
        detail: { role: user.role },
      },
      tx,
    );
    return true;
  });
  // A deactivated account's open pages stop receiving live updates at once.
  if (changed && !input.active) await publish([input.userId], { type: "session-ended" });
}

// ---------------------------------------------------------------- appointments

export interface AdminAppointmentRow {
  id: string;
  startsAt: Date;
  status: AppointmentStatus;
  reason: string;
  decisionNote: string | null;
  patientName: string;
  doctorName: string;
}

const patientUser = alias(users, "patient_user");
const doctorUser = alias(users, "doctor_user");

export async function listAppointments(filter: {
  status?: AppointmentStatus;
  doctorId?: string;
  from?: Date;
  to?: Date;
  page: number;
}): Promise<Page<AdminAppointmentRow>> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(appointments.status, filter.status));
  if (filter.doctorId) conditions.push(eq(appointments.doctorId, filter.doctorId));
  if (filter.from) conditions.push(gte(appointments.startsAt, filter.from));
  if (filter.to) conditions.push(lt(appointments.startsAt, filter.to));
  const where = conditions.length ? and(...conditions) : undefined;
  const db = getDb();
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: appointments.id,
        startsAt: appointments.startsAt,
        status: appointments.status,
        reason: appointments.reason,
        decisionNote: appointments.decisionNote,
        patientName: patientUser.name,
        doctorName: doctorUser.name,
      })
      .from(appointments)
      .innerJoin(patientUser, eq(patientUser.id, appointments.patientId))
      .innerJoin(doctorUser, eq(doctorUser.id, appointments.doctorId))
      .where(where)
      .orderBy(...appointmentsLatestFirst)
      .limit(ADMIN_PAGE_SIZE)
      .offset((filter.page - 1) * ADMIN_PAGE_SIZE),
    countUpTo(
      db
        .select({ one: sql`1` })
        .from(appointments)
        .where(where)
        .orderBy(...appointmentsLatestFirst),
      filter.page,
    ),
  ]);
  return pageOf(rows, total?.n ?? 0, filter.page);
}

export async function listDoctorsForFilter(): Promise<{ id: string; name: string }[]> {
  return getDb()
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.role, "doctor"))
    .orderBy(asc(users.name));
}

/** An admin cancels a requested or accepted appointment, with a reason the patient and doctor see. */
export async function adminCancelAppointment(input: {
  adminId: string;
  appointmentId: string;
  reason: string;
}): Promise<void> {
  const parties = await getDb().transaction(async (tx) => {
    const [row] = await tx
      .select({ status: appointments.status, patientId: appointments.patientId, doctorId: appointments.doctorId })
      .from(appointments)
      .where(eq(appointments.id, input.appointmentId))
      .for("update")
      .limit(1);
    if (!row) throw notFoundError("That appointment");
    if (row.status !== "requested" && row.status !== "accepted") {
      throw new DomainError("conflict", `This appointment is already ${row.status}, so it cannot be cancelled.`);
    }
    await tx
      .update(appointments)
      .set({ status: "cancelled", decisionNote: input.reason })
      .where(eq(appointments.id, input.appointmentId));
    await recordAudit(
      {
        actorId: input.adminId,
        action: "admin.appointment_cancelled",
        targetType: "appointment",
        targetId: input.appointmentId,
        detail: { from: row.status },
      },
      tx,
    );
    return [row.patientId, row.doctorId];
  });
  await publish(parties, { type: "appointment", appointmentId: input.appointmentId, status: "cancelled" });
}

// ---------------------------------------------------------------- audit log

export interface AuditRow {
  id: number;
  createdAt: Date;
  action: string;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
}

export async function listAuditEvents(filter: {
  action?: string;
  actor?: string;
  page: number;
}): Promise<Page<AuditRow>> {
  const conditions: SQL[] = [];
  if (filter.action)
    conditions.push(sql`${auditEvents.action} like ${`${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (filter.actor)
    conditions.push(or(ilike(users.email, likeOf(filter.actor)), ilike(users.name, likeOf(filter.actor)))!);
  const where = conditions.length ? and(...conditions) : undefined;
  const db = getDb();
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: auditEvents.id,
        createdAt: auditEvents.createdAt,
        action: auditEvents.action,
        actorName: users.name,
        actorEmail: users.email,
        targetType: auditEvents.targetType,
        targetId: auditEvents.targetId,
        detail: auditEvents.detail,
      })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .where(where)
      .orderBy(...auditNewestFirst)
      .limit(ADMIN_PAGE_SIZE)
      .offset((filter.page - 1) * ADMIN_PAGE_SIZE),
    // The join only when filtering by actor: counting the whole log need not read users.
    filter.actor
      ? countUpTo(
          db
            .select({ one: sql`1` })
            .from(auditEvents)
            .leftJoin(users, eq(users.id, auditEvents.actorId))
            .where(where),
          filter.page,
        )
      : countUpTo(
          db
            .select({ one: sql`1` })
            .from(auditEvents)
            .where(where)
            .orderBy(...auditNewestFirst),
          filter.page,
        ),
  ]);
  return pageOf(rows, total?.n ?? 0, filter.page);
}

// ---------------------------------------------------------------- chat rooms (metadata only)

export interface AdminRoomRow {
  id: string;
  members: string[];
  messageCount: number;
  lastActivityAt: Date;
  appointmentStatus: AppointmentStatus;
}

/** Rooms with their members, message count and last activity: never a message body. */
export async function listRooms(filter: { page: number }): Promise<Page<AdminRoomRow>> {
  const db = getDb();
  // The members come with each room (patient first), in the same query: one round trip fewer.
  const members = sql<string[]>`(
    select coalesce(array_agg(case when ${users.role} = 'doctor' then 'Dr ' || ${users.name} else ${users.name} end order by ${users.role} desc), '{}')
      from ${roomMembers} join ${users} on ${users.id} = ${roomMembers.userId}
     where ${roomMembers.roomId} = ${chatRooms.id})`;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: chatRooms.id,
        members,
        messageCount: chatRooms.lastSeq,
        lastActivityAt: chatRooms.lastActivityAt,
        appointmentStatus: appointments.status,
      })
      .from(chatRooms)
      .innerJoin(appointments, eq(appointments.id, chatRooms.appointmentId))
      .orderBy(...roomsLatestActivityFirst)
      .limit(ADMIN_PAGE_SIZE)
      .offset((filter.page - 1) * ADMIN_PAGE_SIZE),
    countUpTo(
      db
        .select({ one: sql`1` })
        .from(chatRooms)
        .orderBy(...roomsLatestActivityFirst),
      filter.page,
    ),
  ]);
  return pageOf(rows, total?.n ?? 0, filter.page);
}

/** An admin account, for `npm run admin:create` (there is no default admin outside the demo data). */
export async function createAdmin(input: { name: string; email: string; password: string }): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await getDb().transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ name: input.name, email: input.email.toLowerCase(), passwordHash, role: "admin" })
        .returning({ id: users.id });
      if (!user) throw new Error("insert returned no row");
      await recordAudit(
        { actorId: null, action: "admin.created_by_script", targetType: "user", targetId: user.id },
        tx,
      );
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_lower_key"))
      throw new DomainError("conflict", "An account with this email already exists.");
    throw error;
  }
}
