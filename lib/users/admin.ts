import "server-only";
import { and, count, desc, eq, gt, ilike, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { doctorProfiles, userSessions, users, workingHours } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";
import { DomainError, notFoundError } from "@/lib/errors";
import { publish } from "@/lib/live/hub";
import { endAllSessions, sessionsChanged } from "@/lib/auth/sessions";
import { ADMIN_PAGE_SIZE, countUpTo, likeOf, pageOf, type Page } from "@/lib/paging";
import type { Role } from "@/lib/shared/model";

// Newest first; used by the page and by its capped count (which then reads the same index).
const usersNewestFirst = [desc(users.createdAt), desc(users.id)];

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
    // Either way every earlier session ends: reactivating must not bring a pre-deactivation cookie back.
    await endAllSessions(input.userId, tx);
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
  if (!changed) return;
  sessionsChanged(input.userId);
  // Its open pages stop receiving live updates at once.
  await publish([input.userId], { type: "session-ended" });
}

/** A user's sessions valid now, for the admin's users list (a patient or doctor; admins' are not shown). */
export async function sessionCounts(userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await getDb()
    .select({ userId: userSessions.userId, n: count() })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        inArray(userSessions.userId, userIds),
        gt(userSessions.expiresAt, sql`now()`),
        isNull(userSessions.revokedAt),
        eq(userSessions.version, users.sessionVersion),
      ),
    )
    .groupBy(userSessions.userId);
  return new Map(rows.map((r) => [r.userId, r.n]));
}

/** An admin signs a user out everywhere (a lost phone, a shared computer): audited; admins' own accounts excepted. */
export async function endUserSessions(input: { adminId: string; userId: string }): Promise<void> {
  if (input.userId === input.adminId)
    throw new DomainError("conflict", "Sign out of your own sessions from your own devices.");
  await getDb().transaction(async (tx) => {
    const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, input.userId)).limit(1);
    if (!user) throw notFoundError("That user");
    if (user.role === "admin") throw new DomainError("conflict", "Administrator sessions cannot be ended here.");
    await endAllSessions(input.userId, tx);
    await recordAudit(
      { actorId: input.adminId, action: "admin.sessions_ended", targetType: "user", targetId: input.userId },
      tx,
    );
  });
  sessionsChanged(input.userId);
  await publish([input.userId], { type: "session-ended" });
}

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
