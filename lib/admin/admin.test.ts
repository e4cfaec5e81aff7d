import crypto from "node:crypto";
import { and, asc, count, desc, eq, inArray, like, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ADMIN_EMAIL, DEMO_DOCTORS, DEMO_PATIENTS, seedDemoData } from "@/db/seed";
import {
  appointments,
  auditEvents,
  chatRooms,
  doctorProfiles,
  messages,
  roomMembers,
  users,
  workingHours,
} from "@/db/schema";
import type { AppointmentStatus, Role } from "@/lib/shared/model";
import { setupTestDatabase } from "@/test/db";
import { overview } from "./overview";
import { listRooms } from "@/lib/chat/admin-rooms";
import { listAuditEvents } from "@/lib/audit";
import { adminCancelAppointment, listAppointments } from "@/lib/appointments/admin";
import { createAdmin, createDoctor, listUsers, setUserActive } from "@/lib/users/admin";
import { ADMIN_PAGE_SIZE } from "@/lib/paging";
import { listDoctors } from "@/lib/doctors/directory";
import { recordAudit } from "@/lib/audit";
import { sendMessage } from "@/lib/chat/messages";
import { DomainError } from "@/lib/errors";
import { registerPatient } from "@/lib/auth/recovery";
import { changePassword, findUserByEmail, verifyCredentials } from "@/lib/users/accounts";

const t = setupTestDatabase();
const db = () => t.handle.db;

/** The clock the demo data is seeded with: its messages lie between 5 h 20 min and 1 h before it. */
const SEED_NOW = new Date();
const HOUR = 3_600_000;

let adminId = "";

beforeAll(async () => {
  expect(await seedDemoData(db(), SEED_NOW)).toBe(true);
  const [admin] = await db().select({ id: users.id }).from(users).where(eq(users.email, DEMO_ADMIN_EMAIL));
  adminId = admin!.id;
});

// ---------------------------------------------------------------- fixtures

let serial = 0;
/** Letters, digits and dashes only: no `%`, `_` or `\` (the search tests rely on that). */
const unique = () => `${Date.now().toString(36)}-${++serial}-${crypto.randomBytes(3).toString("hex")}`;

async function makeUser(role: Role, name: string, email = `${role}-${unique()}@example.test`): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({ name, email, passwordHash: "not-a-real-hash", role })
    .returning({ id: users.id });
  return row!.id;
}

async function makeDoctor(name: string): Promise<string> {
  const id = await makeUser("doctor", name);
  await db()
    .insert(doctorProfiles)
    .values({ userId: id, specialty: "General Practice", bio: "", timeZone: "Europe/London" });
  return id;
}

async function makeAppointment(
  patientId: string,
  doctorId: string,
  startsAt: Date,
  status: AppointmentStatus,
  decisionNote: string | null = null,
): Promise<string> {
  const [row] = await db()
    .insert(appointments)
    .values({ patientId, doctorId, startsAt, status, reason: "A test visit.", decisionNote })
    .returning({ id: appointments.id });
  return row!.id;
}

/** A room for an appointment, with both people as members. */
async function makeRoom(appointmentId: string, patientId: string, doctorId: string): Promise<string> {
  const [room] = await db().insert(chatRooms).values({ appointmentId }).returning({ id: chatRooms.id });
  await db()
    .insert(roomMembers)
    .values([
      { roomId: room!.id, userId: patientId },
      { roomId: room!.id, userId: doctorId },
    ]);
  return room!.id;
}

let minuteOffset = 0;
/** A distinct instant far in the future for each call, so no two fixtures share a slot. */
const freshInstant = () => new Date(Date.UTC(2031, 0, 6, 9, 0) + ++minuteOffset * 30 * 60_000);

async function userRow(id: string) {
  const [row] = await db().select().from(users).where(eq(users.id, id));
  return row;
}

async function appointmentRow(id: string) {
  const [row] = await db().select().from(appointments).where(eq(appointments.id, id));
  return row;
}

async function auditFor(action: string, targetId: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)))
    .orderBy(asc(auditEvents.id));
}

async function auditCount(): Promise<number> {
  const [row] = await db().select({ n: count() }).from(auditEvents);
  return row!.n;
}

async function tableCounts() {
  const n = async (
    table: typeof users | typeof doctorProfiles | typeof workingHours | typeof auditEvents | typeof appointments,
  ) => (await db().select({ n: count() }).from(table))[0]!.n;
  return {
    users: await n(users),
    doctorProfiles: await n(doctorProfiles),
    workingHours: await n(workingHours),
    appointments: await n(appointments),
    audit: await n(auditEvents),
  };
}

/** Awaits the promise, which must reject with a DomainError, and returns that error. */
async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a DomainError, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof DomainError)) throw outcome.error;
  return outcome.error;
}

/** The messages of an error and its causes, for errors wrapped by the driver or Drizzle. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as { message?: string; cause?: unknown } | undefined;
    e && parts.length < 5;
    e = e.cause as typeof e
  ) {
    parts.push(String(e.message ?? e));
  }
  return parts.join(" <- ");
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the statement to be refused");
    },
    (error: unknown) => error,
  );
}

/** Every string inside a value (Dates as ISO text), walking arrays and objects, keys included. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value instanceof Date) return [value.toISOString()];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return value === null || value === undefined ? [] : [String(value)];
}

// ---------------------------------------------------------------- overview

describe("overview", () => {
  it("counts the demo data: users by role, appointments by status, messages of the last 24 h, active rooms", async () => {
    const data = await overview(SEED_NOW);
    expect(data.usersByRole).toEqual([
      { role: "patient", count: DEMO_PATIENTS.length },
      { role: "doctor", count: DEMO_DOCTORS.length },
      { role: "admin", count: 1 },
    ]);
    expect(data.appointmentsByStatus).toEqual([
      { status: "requested", count: 3 },
      { status: "accepted", count: 5 },
      { status: "declined", count: 1 },
      { status: "cancelled", count: 1 },
      { status: "completed", count: 2 },
    ]);
    expect(data.messagesLast24h).toBe(50);
    expect(data.activeRooms).toBe(5);
  });

  it("counts only the messages of the 24 hours before the given time", async () => {
    // 22 h later the window starts 2 h before the seed: only the newest room's ten messages (80–62 min before) are in it.
    expect((await overview(new Date(SEED_NOW.getTime() + 22 * HOUR))).messagesLast24h).toBe(10);
    expect((await overview(new Date(SEED_NOW.getTime() + 25 * HOUR))).messagesLast24h).toBe(0);
  });

  it("follows new users and appointments, and a cancelled appointment's room stops being active", async () => {
    const before = await overview(SEED_NOW);
    const patient = await makeUser("patient", "Olive Overview");
    const doctor = await makeDoctor("Oscar Overview");
    const appointment = await makeAppointment(patient, doctor, freshInstant(), "accepted");
    await makeRoom(appointment, patient, doctor);

    const during = await overview(SEED_NOW);
    const byRole = (o: typeof before, role: Role) => o.usersByRole.find((r) => r.role === role)!.count;
    const byStatus = (o: typeof before, status: AppointmentStatus) =>
      o.appointmentsByStatus.find((r) => r.status === status)!.count;
    expect(byRole(during, "patient")).toBe(byRole(before, "patient") + 1);
    expect(byRole(during, "doctor")).toBe(byRole(before, "doctor") + 1);
    expect(byRole(during, "admin")).toBe(byRole(before, "admin"));
    expect(byStatus(during, "accepted")).toBe(byStatus(before, "accepted") + 1);
    expect(during.activeRooms).toBe(before.activeRooms + 1);

    await adminCancelAppointment({ adminId, appointmentId: appointment, reason: "Clinic closed." });
    const after = await overview(SEED_NOW);
    expect(byStatus(after, "accepted")).toBe(byStatus(before, "accepted"));
    expect(byStatus(after, "cancelled")).toBe(byStatus(before, "cancelled") + 1);
    expect(after.activeRooms).toBe(before.activeRooms);
  });
});

// ---------------------------------------------------------------- users

describe("listUsers", () => {
  const PAGED = 45;

  beforeAll(async () => {
    await db()
      .insert(users)
      .values(
        Array.from({ length: PAGED }, (_, i) => ({
          name: `Pager Number ${String(i).padStart(2, "0")}`,
          email: `pg${String(i).padStart(2, "0")}.qx@zq7-paging.test`,
          passwordHash: "not-a-real-hash",
          role: "patient" as const,
        })),
      );
    await db()
      .insert(users)
      .values(
        [
          { name: "Discount 100% Off", email: "pct-a@lit.test" },
          { name: "Discount 1000 Off", email: "pct-b@lit.test" },
          { name: "Snake_Case Sam", email: "snake-a@lit.test" },
          { name: "SnakeXCase Sam", email: "snake-b@lit.test" },
          { name: "Back\\slash Bob", email: "bs-a@lit.test" },
          { name: "Backslash Bill", email: "bs-b@lit.test" },
        ].map((u) => ({ ...u, passwordHash: "not-a-real-hash", role: "patient" as const })),
      );
  });

  it("pages by 20 with the total and the page count, newest first, each user once", async () => {
    expect(ADMIN_PAGE_SIZE).toBe(20);
    const pages = await Promise.all([1, 2, 3].map((page) => listUsers({ q: "zq7-paging", page })));
    expect(pages.map((p) => p.rows.length)).toEqual([20, 20, 5]);
    for (const [i, p] of pages.entries()) {
      expect(p).toMatchObject({ total: PAGED, pageCount: 3, page: i + 1 });
      const times = p.rows.map((r) => r.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
    const ids = pages.flatMap((p) => p.rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(PAGED);
    const names = pages.flatMap((p) => p.rows.map((r) => r.name)).sort();
    expect(names).toEqual(Array.from({ length: PAGED }, (_, i) => `Pager Number ${String(i).padStart(2, "0")}`));

    const beyond = await listUsers({ q: "zq7-paging", page: 4 });
    expect(beyond).toMatchObject({ rows: [], total: PAGED, pageCount: 3 });

    const [all] = await db().select({ n: count() }).from(users);
    const unfiltered = await listUsers({ page: 1 });
    expect(unfiltered.total).toBe(all!.n);
    expect(unfiltered.pageCount).toBe(Math.ceil(all!.n / 20));
    expect(unfiltered.rows).toHaveLength(20);
    expect(Object.keys(unfiltered.rows[0]!).sort()).toEqual(["active", "createdAt", "email", "id", "name", "role"]);
  });

  it("counts a long list only ten pages past the page shown, and says there are more", async () => {
    const many = 240;
    await db()
      .insert(users)
      .values(
        Array.from({ length: many }, (_, i) => ({
          name: `Capped Count ${i}`,
          email: `cap${i}@zq8-capped.test`,
          passwordHash: "not-a-real-hash",
          role: "patient" as const,
        })),
      );
    const [patients] = await db().select({ n: count() }).from(users).where(eq(users.role, "patient"));
    // Page 1 counts up to 11 pages (220 rows) and one more, to know that the list goes on.
    const first = await listUsers({ role: "patient", page: 1 });
    expect(first).toMatchObject({ total: 220, more: true, pageCount: 11 });
    expect(first.rows).toHaveLength(20);
    // Far enough on, the count reaches the end of the list and is exact.
    const last = Math.ceil(patients!.n / 20);
    expect(await listUsers({ role: "patient", page: last })).toMatchObject({
      total: patients!.n,
      more: false,
      pageCount: last,
    });
    // A search sorts every match anyway, so its total is always exact.
    const searched = await listUsers({ q: "zq8-capped", page: 1 });
    expect(searched).toMatchObject({ total: many, more: false, pageCount: 12 });
    expect((await listUsers({ q: "zq8-capped", page: 12 })).rows).toHaveLength(20);
    await db().delete(users).where(like(users.email, "%@zq8-capped.test"));
  });

  it("an empty result still has one page", async () => {
    expect(await listUsers({ q: "nobody-is-called-this", page: 1 })).toEqual({
      rows: [],
      total: 0,
      more: false,
      page: 1,
      pageCount: 1,
    });
  });

  it("searches names and emails, ignoring letter case", async () => {
    const byName = await listUsers({ q: "CAROL anderson", page: 1 });
    expect(byName.rows.map((r) => r.email)).toEqual(["carol.anderson@carebridge.test"]);
    // Only the emails of the paged users contain this; their names do not.
    expect((await listUsers({ q: "ZQ7-PAGING", page: 1 })).total).toBe(PAGED);
    // And only their names contain this.
    expect((await listUsers({ q: "pager NUMBER", page: 1 })).total).toBe(PAGED);
    const byEmail = await listUsers({ q: "Emily.Davis@CareBridge", page: 1 });
    expect(byEmail.rows.map((r) => r.name)).toEqual(["Emily Davis"]);
  });

  it("treats %, _ and \\ in the search as plain characters", async () => {
    const names = async (q: string) => (await listUsers({ q, page: 1 })).rows.map((r) => r.name).sort();
    expect(await names("100%")).toEqual(["Discount 100% Off"]);
    expect(await names("%")).toEqual(["Discount 100% Off"]);
    expect(await names("e_c")).toEqual(["Snake_Case Sam"]);
    expect(await names("_")).toEqual(["Snake_Case Sam"]);
    expect(await names("k\\s")).toEqual(["Back\\slash Bob"]);
    expect((await listUsers({ q: "%", page: 1 })).total).toBe(1);
  });

  it("filters by role, alone and with a search", async () => {
    const doctors = await listUsers({ role: "doctor", page: 1 });
    const [n] = await db().select({ n: count() }).from(users).where(eq(users.role, "doctor"));
    expect(doctors.total).toBe(n!.n);
    expect(doctors.rows.length).toBe(Math.min(n!.n, 20));
    expect(doctors.rows.every((r) => r.role === "doctor")).toBe(true);
    expect(doctors.rows.map((r) => r.name)).toEqual(expect.arrayContaining(DEMO_DOCTORS.map((d) => d.name)));

    expect((await listUsers({ role: "admin", q: "alex", page: 1 })).rows.map((r) => r.email)).toEqual([
      DEMO_ADMIN_EMAIL,
    ]);
    // A patient searched for among doctors is not there.
    expect(await listUsers({ role: "doctor", q: "carol", page: 1 })).toMatchObject({ rows: [], total: 0 });
  });
});

// ---------------------------------------------------------------- doctors

describe("createDoctor", () => {
  it("creates a doctor who must change the password, with a profile, Mon–Fri 09:00–17:00 and an audit event", async () => {
    const temporaryPassword = "Welcome-2031-xq";
    const { id } = await createDoctor({
      adminId,
      name: "Nadia Novak",
      email: "Nadia.Novak@Example.TEST",
      specialty: "Neurology",
      bio: "Headaches and migraines.",
      timeZone: "America/New_York",
      temporaryPassword,
    });

    const user = await userRow(id);
    expect(user).toMatchObject({
      name: "Nadia Novak",
      email: "nadia.novak@example.test",
      role: "doctor",
      active: true,
      mustChangePassword: true,
    });
    expect(user!.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(user!.passwordHash).not.toContain(temporaryPassword);

    const [profile] = await db().select().from(doctorProfiles).where(eq(doctorProfiles.userId, id));
    expect(profile).toMatchObject({
      specialty: "Neurology",
      bio: "Headaches and migraines.",
      timeZone: "America/New_York",
    });

    const hours = await db()
      .select({
        weekday: workingHours.weekday,
        startMinute: workingHours.startMinute,
        endMinute: workingHours.endMinute,
      })
      .from(workingHours)
      .where(eq(workingHours.doctorId, id))
      .orderBy(asc(workingHours.weekday));
    expect(hours).toEqual([1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 540, endMinute: 1020 })));

    const events = await auditFor("admin.doctor_created", id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: adminId, targetType: "user", targetId: id });
    expect(JSON.stringify(events[0]!.detail)).not.toContain(temporaryPassword);

    const listed = (await listDoctors()).find((d) => d.id === id);
    expect(listed).toEqual({
      id,
      name: "Nadia Novak",
      specialty: "Neurology",
      bio: "Headaches and migraines.",
      timeZone: "America/New_York",
      // What patients are told to expect: the defaults, and no away period.
      replyDays: 2,
      away: null,
    });
    expect((await listDoctors({ specialty: "Neurology" })).map((d) => d.id)).toContain(id);

    // The temporary password signs in, and the account says it must be changed.
    expect(await verifyCredentials({ email: "NADIA.novak@example.test", password: temporaryPassword })).toMatchObject({
      id,
      mustChangePassword: true,
    });
  });

  it("refuses an email already taken in another letter case, writing nothing", async () => {
    const before = await tableCounts();
    const error = await domainError(
      createDoctor({
        adminId,
        name: "Emily Again",
        email: "EMILY.DAVIS@carebridge.TEST",
        specialty: "Cardiology",
        bio: "",
        timeZone: "Europe/London",
        temporaryPassword: "Another-temp-77",
      }),
    );
    expect(error.code).toBe("conflict");
    expect(error.message).toBe("An account with this email already exists.");
    expect(error.fieldErrors).toEqual({ email: ["An account with this email already exists."] });
    expect(await tableCounts()).toEqual(before);
    const [emily] = await db()
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = 'emily.davis@carebridge.test'`);
    expect(emily).toMatchObject({ name: "Emily Davis", mustChangePassword: false });
  });
});

// ---------------------------------------------------------------- activation

describe("setUserActive", () => {
  it("deactivates and reactivates a patient, with audit events; a deactivated patient cannot sign in", async () => {
    const password = "patient pass 2031";
    const email = `vera-${unique()}@example.test`;
    await registerPatient({ name: "Vera Active", email, password });
    const { id } = (await findUserByEmail(email))!;
    expect(await verifyCredentials({ email, password })).toMatchObject({ id });

    await setUserActive({ adminId, userId: id, active: false });
    expect((await userRow(id))!.active).toBe(false);
    expect(await auditFor("admin.user_deactivated", id)).toEqual([
      expect.objectContaining({ actorId: adminId, targetType: "user", detail: { role: "patient" } }),
    ]);
    expect(await verifyCredentials({ email, password })).toBeNull();
    const failed = await auditFor("auth.sign_in_failed", id);
    expect(failed.at(-1)!.detail).toEqual({ reason: "inactive" });

    // Deactivating again changes nothing and records nothing more.
    await setUserActive({ adminId, userId: id, active: false });
    expect(await auditFor("admin.user_deactivated", id)).toHaveLength(1);

    await setUserActive({ adminId, userId: id, active: true });
    expect((await userRow(id))!.active).toBe(true);
    expect(await auditFor("admin.user_reactivated", id)).toEqual([
      expect.objectContaining({ actorId: adminId, targetType: "user", detail: { role: "patient" } }),
    ]);
    expect(await verifyCredentials({ email, password })).toMatchObject({ id });
  });

  it("deactivates a doctor, who leaves the directory and cannot sign in, keeping their data; reactivation brings them back", async () => {
    const temporaryPassword = "Doc-temp-5521";
    const email = `doc-${unique()}@example.test`;
    const { id } = await createDoctor({
      adminId,
      name: "Dmitri Dormant",
      email,
      specialty: "Oncology",
      bio: "",
      timeZone: "Europe/London",
      temporaryPassword,
    });
    const patient = await makeUser("patient", "Paula Patient");
    const appointment = await makeAppointment(patient, id, freshInstant(), "requested");
    expect((await listDoctors()).map((d) => d.id)).toContain(id);

    await setUserActive({ adminId, userId: id, active: false });
    expect((await userRow(id))!.active).toBe(false);
    expect((await listDoctors()).map((d) => d.id)).not.toContain(id);
    expect((await listDoctors({ query: "Dmitri" })).map((d) => d.id)).toEqual([]);
    expect(await verifyCredentials({ email, password: temporaryPassword })).toBeNull();
    expect(await auditFor("admin.user_deactivated", id)).toEqual([
      expect.objectContaining({ actorId: adminId, detail: { role: "doctor" } }),
    ]);
    // The data stays.
    expect(await db().select().from(doctorProfiles).where(eq(doctorProfiles.userId, id))).toHaveLength(1);
    expect(await db().select().from(workingHours).where(eq(workingHours.doctorId, id))).toHaveLength(5);
    expect((await appointmentRow(appointment))!.status).toBe("requested");

    await setUserActive({ adminId, userId: id, active: true });
    expect((await listDoctors()).map((d) => d.id)).toContain(id);
    expect(await auditFor("admin.user_reactivated", id)).toEqual([
      expect.objectContaining({ actorId: adminId, detail: { role: "doctor" } }),
    ]);
    expect(await verifyCredentials({ email, password: temporaryPassword })).toMatchObject({ id });
  });

  it("refuses the admin's own account and any admin account, changing nothing", async () => {
    const other = await createAdmin({
      name: "Second Admin",
      email: `second-${unique()}@ops.test`,
      password: "Second-admin-91",
    });
    const before = await tableCounts();

    for (const active of [false, true]) {
      const own = await domainError(setUserActive({ adminId, userId: adminId, active }));
      expect(own.code).toBe("conflict");
      expect(own.message).toMatch(/your own account/);
      const admin = await domainError(setUserActive({ adminId, userId: other.id, active }));
      expect(admin.code).toBe("conflict");
      expect(admin.message).toBe("Administrator accounts cannot be deactivated here.");
    }
    // The other admin may not switch off the first one either.
    expect((await domainError(setUserActive({ adminId: other.id, userId: adminId, active: false }))).code).toBe(
      "conflict",
    );

    expect((await userRow(adminId))!.active).toBe(true);
    expect((await userRow(other.id))!.active).toBe(true);
    expect(await tableCounts()).toEqual(before);
  });

  it("answers not_found for an unknown id, changing nothing", async () => {
    const before = await tableCounts();
    const error = await domainError(setUserActive({ adminId, userId: crypto.randomUUID(), active: false }));
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("That user was not found.");
    expect(await tableCounts()).toEqual(before);
  });
});

// ---------------------------------------------------------------- appointments

describe("adminCancelAppointment", () => {
  it("cancels a requested and an accepted appointment with the reason as the note and an audit event; the room closes", async () => {
    const patient = await makeUser("patient", "Cathy Cancel");
    const doctor = await makeDoctor("Cyril Cancel");
    const requested = await makeAppointment(patient, doctor, freshInstant(), "requested");
    const accepted = await makeAppointment(patient, doctor, freshInstant(), "accepted");
    const roomId = await makeRoom(accepted, patient, doctor);

    for (const [id, from] of [
      [requested, "requested"],
      [accepted, "accepted"],
    ] as const) {
      const reason = `The clinic is closed that day (${from}).`;
      await adminCancelAppointment({ adminId, appointmentId: id, reason });
      expect(await appointmentRow(id)).toMatchObject({ status: "cancelled", decisionNote: reason });
      expect(await auditFor("admin.appointment_cancelled", id)).toEqual([
        expect.objectContaining({ actorId: adminId, targetType: "appointment", targetId: id, detail: { from } }),
      ]);
    }

    const closed = await domainError(
      sendMessage({ roomId, senderId: patient, clientId: crypto.randomUUID(), body: "Are we still on?" }),
    );
    expect(closed.code).toBe("conflict");
  });

  it("refuses completed, declined and cancelled appointments, changing nothing", async () => {
    const patient = await makeUser("patient", "Rita Refused");
    const doctor = await makeDoctor("Rex Refused");
    for (const status of ["completed", "declined", "cancelled"] as const) {
      const note = status === "completed" ? null : `Earlier note (${status}).`;
      const id = await makeAppointment(patient, doctor, freshInstant(), status, note);
      const before = await tableCounts();
      const error = await domainError(adminCancelAppointment({ adminId, appointmentId: id, reason: "Trying anyway." }));
      expect(error.code).toBe("conflict");
      expect(error.message).toBe(`This appointment is already ${status}, so it cannot be cancelled.`);
      expect(await appointmentRow(id)).toMatchObject({ status, decisionNote: note });
      expect(await auditFor("admin.appointment_cancelled", id)).toEqual([]);
      expect(await tableCounts()).toEqual(before);
    }
  });

  it("answers not_found for an unknown id", async () => {
    const before = await tableCounts();
    const error = await domainError(
      adminCancelAppointment({ adminId, appointmentId: crypto.randomUUID(), reason: "Nothing here." }),
    );
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("That appointment was not found.");
    expect(await tableCounts()).toEqual(before);
  });
});

describe("listAppointments", () => {
  const ids: Record<string, string> = {};
  let doctorA = "";
  let doctorB = "";

  beforeAll(async () => {
    doctorA = await makeDoctor("Ada Filter");
    doctorB = await makeDoctor("Bert Filter");
    const patient = await makeUser("patient", "Fiona Filter");
    const at = (iso: string) => new Date(iso);
    ids.a1 = await makeAppointment(patient, doctorA, at("2032-03-04T10:00:00Z"), "requested");
    ids.a2 = await makeAppointment(patient, doctorA, at("2032-03-05T10:00:00Z"), "accepted");
    ids.a3 = await makeAppointment(patient, doctorA, at("2032-03-06T10:00:00Z"), "completed");
    ids.b1 = await makeAppointment(patient, doctorB, at("2032-03-05T11:00:00Z"), "requested");
    ids.b2 = await makeAppointment(
      patient,
      doctorB,
      at("2032-03-05T00:00:00Z"),
      "cancelled",
      "Cancelled by the patient.",
    );
    ids.b3 = await makeAppointment(patient, doctorB, at("2032-03-06T00:00:00Z"), "declined", "Not available.");
  });

  it("filters by doctor, newest first, with both names", async () => {
    const page = await listAppointments({ doctorId: doctorA, page: 1 });
    expect(page.rows.map((r) => r.id)).toEqual([ids.a3, ids.a2, ids.a1]);
    expect(page).toMatchObject({ total: 3, pageCount: 1 });
    expect(page.rows.every((r) => r.doctorName === "Ada Filter" && r.patientName === "Fiona Filter")).toBe(true);
  });

  it("filters by status, alone and with a doctor", async () => {
    const requested = await listAppointments({ status: "requested", page: 1 });
    expect(requested.rows.every((r) => r.status === "requested")).toBe(true);
    const [n] = await db().select({ n: count() }).from(appointments).where(eq(appointments.status, "requested"));
    expect(requested.total).toBe(n!.n);
    expect(requested.rows.map((r) => r.id)).toEqual(expect.arrayContaining([ids.a1, ids.b1]));

    expect((await listAppointments({ status: "requested", doctorId: doctorA, page: 1 })).rows.map((r) => r.id)).toEqual(
      [ids.a1],
    );
    expect((await listAppointments({ status: "cancelled", doctorId: doctorB, page: 1 })).rows).toEqual([
      expect.objectContaining({ id: ids.b2, decisionNote: "Cancelled by the patient." }),
    ]);
    expect((await listAppointments({ status: "completed", doctorId: doctorB, page: 1 })).total).toBe(0);
  });

  it("filters by a date range that includes its start and excludes its end", async () => {
    const range = await listAppointments({
      from: new Date("2032-03-05T00:00:00Z"),
      to: new Date("2032-03-06T00:00:00Z"),
      page: 1,
    });
    expect(range.rows.map((r) => r.id)).toEqual([ids.b1, ids.a2, ids.b2]);
    expect(range.total).toBe(3);
    const fromOnly = await listAppointments({ from: new Date("2032-03-06T00:00:00Z"), page: 1 });
    expect(fromOnly.rows.map((r) => r.id)).toEqual([ids.a3, ids.b3]);
    const combined = await listAppointments({
      from: new Date("2032-03-01T00:00:00Z"),
      to: new Date("2032-04-01T00:00:00Z"),
      doctorId: doctorB,
      status: "requested",
      page: 1,
    });
    expect(combined.rows.map((r) => r.id)).toEqual([ids.b1]);
  });

  it("pages by 20 over all appointments", async () => {
    const [n] = await db().select({ n: count() }).from(appointments);
    const first = await listAppointments({ page: 1 });
    expect(first.total).toBe(n!.n);
    expect(first.rows).toHaveLength(Math.min(20, n!.n));
    expect(first.pageCount).toBe(Math.ceil(n!.n / 20));
    const last = await listAppointments({ page: first.pageCount });
    expect(last.rows).toHaveLength(n!.n - (first.pageCount - 1) * 20);
  });
});

// ---------------------------------------------------------------- audit log

describe("listAuditEvents", () => {
  let actor = "";

  beforeAll(async () => {
    actor = await makeUser("patient", "Quentin Auditor", "q.auditor@audit-zz.test");
    await recordAudit({ actorId: actor, action: "zztest.first", targetType: "user", targetId: actor });
    await recordAudit({ actorId: actor, action: "zztest.second", targetType: "user", targetId: actor });
    await recordAudit({ actorId: actor, action: "zztest.third", targetType: "user", targetId: actor });
    await recordAudit({ actorId: null, action: "zztestx.anonymous" });
  });

  it("lists events newest first with the actor's name and email", async () => {
    const page = await listAuditEvents({ page: 1 });
    expect(page.total).toBe(await auditCount());
    expect(page.rows).toHaveLength(20);
    expect(page.rows[0]).toMatchObject({ action: "zztestx.anonymous", actorName: null, actorEmail: null });
    expect(page.rows[1]).toMatchObject({
      action: "zztest.third",
      actorName: "Quentin Auditor",
      actorEmail: "q.auditor@audit-zz.test",
      targetId: actor,
    });
    for (let i = 1; i < page.rows.length; i++) {
      const [newer, older] = [page.rows[i - 1]!, page.rows[i]!];
      expect(
        newer.createdAt.getTime() > older.createdAt.getTime() ||
          (newer.createdAt.getTime() === older.createdAt.getTime() && newer.id > older.id),
      ).toBe(true);
    }
  });

  it("filters by an action prefix, with % and _ taken literally", async () => {
    const actions = async (action: string) => (await listAuditEvents({ action, page: 1 })).rows.map((r) => r.action);
    expect(await actions("zztest.")).toEqual(["zztest.third", "zztest.second", "zztest.first"]);
    expect(await actions("zztest")).toEqual(["zztestx.anonymous", "zztest.third", "zztest.second", "zztest.first"]);
    expect(await actions("zztest.s")).toEqual(["zztest.second"]);
    // A prefix, not a substring.
    expect(await actions("test.")).toEqual([]);
    expect(await actions("zz_est")).toEqual([]);
    expect(await actions("zz%")).toEqual([]);
    expect((await listAuditEvents({ action: "%", page: 1 })).total).toBe(0);
    const admin = await listAuditEvents({ action: "admin.", page: 1 });
    expect(admin.total).toBeGreaterThan(0);
    expect(admin.rows.every((r) => r.action.startsWith("admin."))).toBe(true);
  });

  it("filters by the actor's email or name, ignoring letter case", async () => {
    const byName = await listAuditEvents({ actor: "quentin AUDITOR", page: 1 });
    expect(byName.rows.map((r) => r.action)).toEqual(["zztest.third", "zztest.second", "zztest.first"]);
    expect(byName.total).toBe(3);
    const byEmail = await listAuditEvents({ actor: "Q.AUDITOR@audit-ZZ", page: 1 });
    expect(byEmail.rows.map((r) => r.id)).toEqual(byName.rows.map((r) => r.id));
    expect(
      (await listAuditEvents({ actor: "quentin", action: "zztest.f", page: 1 })).rows.map((r) => r.action),
    ).toEqual(["zztest.first"]);
    const alex = await listAuditEvents({ actor: "alex morgan", page: 1 });
    expect(alex.total).toBeGreaterThan(0);
    expect(alex.rows.every((r) => r.actorEmail === DEMO_ADMIN_EMAIL)).toBe(true);
    expect((await listAuditEvents({ actor: "%", page: 1 })).total).toBe(0);
  });
});

describe("audit_events is append-only", () => {
  it("refuses updates, deletes and truncation, leaving the rows as they were", async () => {
    const [event] = await db().select().from(auditEvents).orderBy(asc(auditEvents.id)).limit(1);
    const before = await auditCount();

    const update = await rejection(
      db().update(auditEvents).set({ action: "tampered" }).where(eq(auditEvents.id, event!.id)),
    );
    expect(errorText(update)).toContain("append-only");
    const remove = await rejection(db().delete(auditEvents).where(eq(auditEvents.id, event!.id)));
    expect(errorText(remove)).toContain("append-only");
    const removeAll = await rejection(db().delete(auditEvents));
    expect(errorText(removeAll)).toContain("append-only");
    const truncate = await rejection(db().execute(sql`truncate audit_events`));
    expect(errorText(truncate)).toContain("append-only");

    const [after] = await db().select().from(auditEvents).where(eq(auditEvents.id, event!.id));
    expect(after).toEqual(event);
    expect(await auditCount()).toBe(before);
  });
});

// ---------------------------------------------------------------- chat rooms

describe("listRooms", () => {
  it("lists members, message count and last activity, newest activity first", async () => {
    const page = await listRooms({ page: 1 });
    const rooms = await db().select().from(chatRooms);
    expect(page.total).toBe(rooms.length);
    expect(page.rows).toHaveLength(Math.min(20, rooms.length));
    const times = page.rows.map((r) => r.lastActivityAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    for (const row of page.rows) {
      const room = rooms.find((r) => r.id === row.id)!;
      expect(row.lastActivityAt).toEqual(room.lastActivityAt);
      const [m] = await db().select({ n: count() }).from(messages).where(eq(messages.roomId, row.id));
      expect(row.messageCount).toBe(m!.n);
      const people = await db()
        .select({ name: users.name, role: users.role })
        .from(roomMembers)
        .innerJoin(users, eq(users.id, roomMembers.userId))
        .where(eq(roomMembers.roomId, row.id));
      expect([...row.members].sort()).toEqual(
        people.map((p) => (p.role === "doctor" ? `Dr ${p.name}` : p.name)).sort(),
      );
      const [appointment] = await db()
        .select({ status: appointments.status })
        .from(appointments)
        .where(eq(appointments.id, room.appointmentId));
      expect(row.appointmentStatus).toBe(appointment!.status);
    }

    // The demo rooms: ten messages each, the last one's time as last activity, Carol with Dr Emily Davis among them.
    const seeded = page.rows.filter((r) => r.messageCount === 10);
    expect(seeded).toHaveLength(5);
    for (const row of seeded) {
      const [last] = await db()
        .select({ at: messages.createdAt })
        .from(messages)
        .where(eq(messages.roomId, row.id))
        .orderBy(desc(messages.seq))
        .limit(1);
      expect(row.lastActivityAt).toEqual(last!.at);
    }
    expect(seeded.map((r) => [...r.members].sort())).toContainEqual(["Carol Anderson", "Dr Emily Davis"]);
  });

  it("never returns a message body, in any value of any row", async () => {
    const patient = await makeUser("patient", "Priya Private");
    const doctor = await makeDoctor("Paul Private");
    const appointment = await makeAppointment(patient, doctor, freshInstant(), "accepted");
    const roomId = await makeRoom(appointment, patient, doctor);
    await sendMessage({
      roomId,
      senderId: patient,
      clientId: crypto.randomUUID(),
      body: "My private symptoms: zq-secret-body-7731",
    });

    const bodies = (await db().select({ body: messages.body }).from(messages)).map((m) => m.body);
    expect(bodies.length).toBeGreaterThanOrEqual(51);
    const [roomCount] = await db().select({ n: count() }).from(chatRooms);
    const pages = [];
    for (let page = 1; page <= Math.ceil(roomCount!.n / 20); page++) pages.push(await listRooms({ page }));
    const rows = pages.flatMap((p) => p.rows);
    expect(rows.map((r) => r.id)).toContain(roomId);
    expect(rows.find((r) => r.id === roomId)).toMatchObject({
      messageCount: 1,
      members: expect.arrayContaining(["Priya Private", "Dr Paul Private"]),
    });

    for (const row of rows)
      expect(Object.keys(row).sort()).toEqual(["appointmentStatus", "id", "lastActivityAt", "members", "messageCount"]);
    const values = stringsIn(pages);
    for (const body of bodies) {
      for (const value of values) {
        expect(value === body || value.includes(body)).toBe(false);
      }
    }
    expect(JSON.stringify(pages)).not.toContain("zq-secret-body-7731");
  });
});

// ---------------------------------------------------------------- passwords and admins

describe("changePassword", () => {
  const temporaryPassword = "First-temp-3390";
  let id = "";
  let email = "";

  beforeAll(async () => {
    email = `change-${unique()}@example.test`;
    id = (
      await createDoctor({
        adminId,
        name: "Chen Changer",
        email,
        specialty: "Urology",
        bio: "",
        timeZone: "Europe/London",
        temporaryPassword,
      })
    ).id;
  });

  it("refuses a wrong current password, changing nothing", async () => {
    const before = await userRow(id);
    const error = await domainError(
      changePassword({ userId: id, currentPassword: "not-the-password", newPassword: "Brand-new-pass-1" }),
    );
    expect(error.code).toBe("invalid");
    expect(error.fieldErrors).toEqual({ currentPassword: ["Your current password is not correct."] });
    expect(await userRow(id)).toEqual(before);
    expect(await auditFor("user.password_changed", id)).toEqual([]);
  });

  it("refuses the same password again, changing nothing", async () => {
    const before = await userRow(id);
    const error = await domainError(
      changePassword({ userId: id, currentPassword: temporaryPassword, newPassword: temporaryPassword }),
    );
    expect(error.code).toBe("invalid");
    expect(error.fieldErrors).toEqual({ newPassword: ["Choose a password different from the current one."] });
    expect(await userRow(id)).toEqual(before);
    expect((await userRow(id))!.mustChangePassword).toBe(true);
    expect(await auditFor("user.password_changed", id)).toEqual([]);
  });

  it("changes the password, clears mustChangePassword and records user.password_changed", async () => {
    const newPassword = "Brand-new-pass-1";
    await changePassword({ userId: id, currentPassword: temporaryPassword, newPassword });
    expect((await userRow(id))!.mustChangePassword).toBe(false);
    expect(await auditFor("user.password_changed", id)).toEqual([
      expect.objectContaining({ actorId: id, targetType: "user", targetId: id }),
    ]);
    expect(await verifyCredentials({ email, password: newPassword })).toMatchObject({ id, mustChangePassword: false });
    expect(await verifyCredentials({ email, password: temporaryPassword })).toBeNull();
  });

  it("answers not_found for an unknown account", async () => {
    expect(
      (
        await domainError(
          changePassword({ userId: crypto.randomUUID(), currentPassword: "x", newPassword: "Whatever-123" }),
        )
      ).code,
    ).toBe("not_found");
  });
});

describe("createAdmin", () => {
  it("creates an admin once, with an audit event, and refuses the same email again in any letter case", async () => {
    const password = "Root-admin-pass-8";
    const { id } = await createAdmin({ name: "Rosa Root", email: "Rosa.Root@Ops-ZZ.test", password });
    expect(await userRow(id)).toMatchObject({
      name: "Rosa Root",
      email: "rosa.root@ops-zz.test",
      role: "admin",
      active: true,
      mustChangePassword: false,
    });
    expect(await auditFor("admin.created_by_script", id)).toEqual([
      expect.objectContaining({ actorId: null, targetType: "user", targetId: id }),
    ]);
    expect(await verifyCredentials({ email: "rosa.root@ops-zz.test", password })).toMatchObject({ id, role: "admin" });

    const before = await tableCounts();
    for (const email of ["rosa.root@ops-zz.test", "ROSA.ROOT@OPS-ZZ.TEST"]) {
      const error = await domainError(createAdmin({ name: "Rosa Again", email, password: "Other-admin-pass-9" }));
      expect(error.code).toBe("conflict");
      expect(error.message).toBe("An account with this email already exists.");
    }
    expect(await tableCounts()).toEqual(before);
    const admins = await db()
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "admin"), inArray(users.email, ["rosa.root@ops-zz.test"])));
    expect(admins).toEqual([{ id }]);
  });
});
