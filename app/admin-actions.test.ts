import crypto from "node:crypto";
import { asc, count, eq, max } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { adminCancelAppointmentAction, createDoctorAction, setUserActiveAction } from "@/app/(admin)/admin/actions";
import { saveWorkingHoursAction } from "@/app/(doctor)/doctor/actions";
import { requestAppointmentAction } from "@/app/(patient)/patient/actions";
import { changeAppointmentAction } from "@/app/appointment-actions";
import { sendMessageAction } from "@/app/chat/actions";
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
import type { AppointmentStatus } from "@/lib/shared/model";
import { createAdmin, createDoctor } from "@/lib/users/admin";
import { changePassword, findUserByEmail, findUserById, type PublicUser } from "@/lib/users/accounts";
import { setupTestDatabase } from "@/test/db";

// ---------------------------------------------------------------- mocks

const session = vi.hoisted(() => ({ user: null as PublicUser | null }));

// The real gate, over a session that answers this user as the database would.
vi.mock("@/lib/auth/auth-js", () => {
  const current = async () =>
    session.user ? { userId: session.user.id, sessionId: "00000000-0000-4000-8000-000000000000" } : null;
  return { sessionFromCookie: current, sessionFromRequest: current };
});
vi.mock("@/lib/auth/sessions", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  lookupSession: async () => ({ user: session.user, revoked: false, endsAt: null }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/navigation", () => ({
  redirect: (path: string) => {
    throw new Error(`REDIRECT:${path}`);
  },
  notFound: () => {
    throw new Error("NOT_FOUND");
  },
}));

const t = setupTestDatabase();
const db = () => t.handle.db;

const SESSION_ENDED = "Your session has ended. Sign in again to continue.";
const NOT_FOUND = "That item was not found.";
const CHANGE_FIRST = "Change your temporary password first.";
const UNEXPECTED = "Something went wrong on our side and nothing was changed. Please try again.";
const HUGE = "x".repeat(8 * 1024 * 1024);

type Caller = "anonymous" | "patient" | "doctor" | "admin";
const people: Record<Exclude<Caller, "anonymous">, PublicUser> = {} as never;

beforeAll(async () => {
  expect(await seedDemoData(db())).toBe(true);
  people.admin = (await findUserByEmail(DEMO_ADMIN_EMAIL))!;
  people.patient = (await findUserByEmail(DEMO_PATIENTS[0].email))!;
  people.doctor = (await findUserByEmail(DEMO_DOCTORS[0].email))!;
  expect([people.admin.role, people.patient.role, people.doctor.role]).toEqual(["admin", "patient", "doctor"]);
});

beforeEach(() => {
  vi.mocked(revalidatePath).mockClear();
  session.user = null;
});

function signInAs(who: Caller | PublicUser) {
  session.user = typeof who === "string" ? (who === "anonymous" ? null : people[who]) : who;
}

// ---------------------------------------------------------------- fixtures

let serial = 0;
const unique = () => `${Date.now().toString(36)}-${++serial}-${crypto.randomBytes(3).toString("hex")}`;
let slot = 0;
/** A distinct future instant per call, so fixtures never collide on a slot. */
const freshInstant = () => new Date(Date.UTC(2031, 5, 2, 9, 0) + ++slot * 30 * 60_000);

async function makePatient(name = "Tara Target"): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({ name, email: `target-${unique()}@example.test`, passwordHash: "not-a-real-hash", role: "patient" })
    .returning({ id: users.id });
  return row!.id;
}

async function makeAppointment(
  patientId: string,
  doctorId: string,
  status: AppointmentStatus = "requested",
): Promise<string> {
  const [row] = await db()
    .insert(appointments)
    .values({ patientId, doctorId, startsAt: freshInstant(), status, reason: "A test visit." })
    .returning({ id: appointments.id });
  return row!.id;
}

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

/** Everything an action could write, for before/after comparison. */
async function snapshot() {
  const d = db();
  const one = async <T>(rows: Promise<T[]>) => (await rows)[0];
  return {
    users: await d
      .select({
        id: users.id,
        email: users.email,
        role: users.role,
        active: users.active,
        mustChangePassword: users.mustChangePassword,
        passwordHash: users.passwordHash,
        updatedAt: users.updatedAt,
      })
      .from(users)
      .orderBy(asc(users.id)),
    profiles: await d.select().from(doctorProfiles).orderBy(asc(doctorProfiles.userId)),
    workingHours: await one(d.select({ n: count() }).from(workingHours)),
    appointments: await d
      .select({
        id: appointments.id,
        status: appointments.status,
        decisionNote: appointments.decisionNote,
        updatedAt: appointments.updatedAt,
      })
      .from(appointments)
      .orderBy(asc(appointments.id)),
    rooms: await d.select().from(chatRooms).orderBy(asc(chatRooms.id)),
    members: await d.select().from(roomMembers).orderBy(asc(roomMembers.roomId), asc(roomMembers.userId)),
    messages: await one(d.select({ n: count() }).from(messages)),
    audit: await one(d.select({ n: count(), last: max(auditEvents.id) }).from(auditEvents)),
  };
}

/** Runs the call and checks that the database is exactly as before; returns the call's result. */
async function unchanged<T>(call: () => Promise<T>): Promise<T> {
  const before = await snapshot();
  const result = await call();
  expect(await snapshot()).toEqual(before);
  expect(revalidatePath).not.toHaveBeenCalled();
  return result;
}

/** Awaits an action that must redirect; returns the path. */
async function redirectOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a redirect, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  const message = error instanceof Error ? error.message : String(error);
  expect(message).toMatch(/^REDIRECT:/);
  return message.slice("REDIRECT:".length);
}

const doctorFields = (overrides: Record<string, string> = {}) => ({
  name: "Dana Doctor",
  email: `dana-${unique()}@example.test`,
  specialty: "Rheumatology",
  bio: "Joints and muscles.",
  timeZone: "Europe/London",
  temporaryPassword: "Temp-secret-4417",
  ...overrides,
});

function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

/** Input of the wrong shape, as a direct POST could send. */
const raw = (value: unknown) => value as never;

// ---------------------------------------------------------------- authorization table

const ACTIONS = [
  "createDoctorAction",
  "setUserActiveAction (deactivate)",
  "setUserActiveAction (reactivate)",
  "adminCancelAppointmentAction",
] as const;
const CALLERS: Caller[] = ["anonymous", "patient", "doctor", "admin"];
let cellsChecked = 0;

interface Cell {
  /** The call under test. */
  run: () => Promise<unknown>;
  /** What the admin's successful call must have done. */
  succeeded: (outcome: unknown) => Promise<void>;
}

async function cellFor(action: (typeof ACTIONS)[number]): Promise<Cell> {
  switch (action) {
    case "createDoctorAction": {
      const fields = doctorFields();
      return {
        run: () => createDoctorAction(null, formOf(fields)).catch((e: unknown) => e),
        async succeeded(outcome) {
          const message = outcome instanceof Error ? outcome.message : JSON.stringify(outcome);
          const match = /^REDIRECT:\/admin\/users\?created=([0-9a-f-]{36})$/.exec(message);
          expect(match, message).not.toBeNull();
          const id = match![1]!;
          const [row] = await db().select().from(users).where(eq(users.id, id));
          expect(row).toMatchObject({ email: fields.email, role: "doctor", mustChangePassword: true, active: true });
          const [event] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, id));
          expect(event).toMatchObject({ action: "admin.doctor_created", actorId: people.admin.id });
        },
      };
    }
    case "setUserActiveAction (deactivate)":
    case "setUserActiveAction (reactivate)": {
      const active = action.endsWith("(reactivate)");
      const userId = await makePatient();
      if (active) await db().update(users).set({ active: false }).where(eq(users.id, userId));
      return {
        run: () => setUserActiveAction({ userId, active }),
        async succeeded(outcome) {
          expect(outcome).toEqual({ ok: true, data: undefined });
          const [row] = await db().select({ active: users.active }).from(users).where(eq(users.id, userId));
          expect(row!.active).toBe(active);
          const [event] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, userId));
          expect(event).toMatchObject({
            action: active ? "admin.user_reactivated" : "admin.user_deactivated",
            actorId: people.admin.id,
          });
        },
      };
    }
    case "adminCancelAppointmentAction": {
      // The patient's and the doctor's own appointment: being a party gives no admin rights.
      const appointmentId = await makeAppointment(people.patient.id, people.doctor.id, "requested");
      return {
        run: () => adminCancelAppointmentAction({ appointmentId, reason: "The clinic is closed." }),
        async succeeded(outcome) {
          expect(outcome).toEqual({ ok: true, data: undefined });
          const [row] = await db().select().from(appointments).where(eq(appointments.id, appointmentId));
          expect(row).toMatchObject({ status: "cancelled", decisionNote: "The clinic is closed." });
          const [event] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, appointmentId));
          expect(event).toMatchObject({ action: "admin.appointment_cancelled", actorId: people.admin.id });
        },
      };
    }
  }
}

describe("authorization table: admin actions for anonymous, patient, doctor and admin", () => {
  afterAll(() => {
    console.log(
      `authorization table: ${cellsChecked} of ${ACTIONS.length * CALLERS.length} cells checked (${ACTIONS.length} actions x ${CALLERS.length} callers)`,
    );
  });

  for (const action of ACTIONS) {
    for (const caller of CALLERS) {
      const expected =
        caller === "admin"
          ? "succeeds"
          : caller === "anonymous"
            ? "session ended, nothing changed"
            : "not found, nothing changed";
      it(`${action} as ${caller}: ${expected}`, async () => {
        const cell = await cellFor(action);
        signInAs(caller);
        if (caller === "admin") {
          const before = await snapshot();
          await cell.succeeded(await cell.run());
          expect((await snapshot()).audit!.n).toBe(before.audit!.n + 1);
          expect(revalidatePath).toHaveBeenCalledWith("/admin", "layout");
        } else {
          const result = await unchanged(cell.run);
          expect(result).toMatchObject({ ok: false, message: caller === "anonymous" ? SESSION_ENDED : NOT_FOUND });
          expect(JSON.stringify(result)).not.toContain("Temp-secret-4417");
        }
        cellsChecked++;
      });
    }
  }
});

// ---------------------------------------------------------------- temporary passwords

describe("an account with a temporary password", () => {
  it("is stopped by every action with 'Change your temporary password first.' until the password is changed", async () => {
    const temporaryPassword = "First-login-7731";
    const { id } = await createDoctor({
      adminId: people.admin.id,
      name: "Tomas Temporary",
      email: `tomas-${unique()}@example.test`,
      specialty: "Geriatrics",
      bio: "",
      timeZone: "Europe/London",
      temporaryPassword,
    });
    const doctor = (await findUserById(id))!;
    expect(doctor.mustChangePassword).toBe(true);
    const requested = await makeAppointment(people.patient.id, id, "requested");
    const accepted = await makeAppointment(people.patient.id, id, "accepted");
    const roomId = await makeRoom(accepted, people.patient.id, id);
    signInAs(doctor);

    const attempts: [string, () => Promise<unknown>][] = [
      ["changeAppointmentAction accept", () => changeAppointmentAction({ appointmentId: requested, action: "accept" })],
      [
        "changeAppointmentAction decline",
        () => changeAppointmentAction({ appointmentId: requested, action: "decline", note: "Not today." }),
      ],
      [
        "sendMessageAction",
        () => sendMessageAction({ roomId, clientId: crypto.randomUUID(), body: "Hello from a temporary password." }),
      ],
      [
        "saveWorkingHoursAction",
        () =>
          saveWorkingHoursAction({
            timeZone: "Europe/London",
            days: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
              weekday,
              enabled: weekday === 1,
              start: "08:00",
              end: "12:00",
            })),
          }),
      ],
    ];
    for (const [name, attempt] of attempts) {
      expect(await unchanged(attempt), name).toEqual({ ok: false, message: CHANGE_FIRST });
    }

    // Once the password is changed (and the session re-read), the same message goes through.
    await changePassword({ userId: id, currentPassword: temporaryPassword, newPassword: "Chosen-by-me-2031" });
    signInAs((await findUserById(id))!);
    const sent = await sendMessageAction({ roomId, clientId: crypto.randomUUID(), body: "Hello after the change." });
    expect(sent).toMatchObject({ ok: true, data: { body: "Hello after the change." } });
  });

  it("stops a patient's requests and cancellations too", async () => {
    const patientId = await makePatient("Pia Pending");
    await db().update(users).set({ mustChangePassword: true }).where(eq(users.id, patientId));
    const own = await makeAppointment(patientId, people.doctor.id, "requested");
    signInAs((await findUserById(patientId))!);
    const form = formOf({ doctorId: people.doctor.id, startsAt: freshInstant().toISOString(), reason: "A check-up." });
    expect(await unchanged(() => requestAppointmentAction(null, form))).toEqual({ ok: false, message: CHANGE_FIRST });
    expect(await unchanged(() => changeAppointmentAction({ appointmentId: own, action: "cancel" }))).toEqual({
      ok: false,
      message: CHANGE_FIRST,
    });
  });

  it("stops an admin's admin actions", async () => {
    const { id } = await createAdmin({
      name: "Ines Interim",
      email: `interim-${unique()}@ops.test`,
      password: "Interim-admin-55",
    });
    await db().update(users).set({ mustChangePassword: true }).where(eq(users.id, id));
    signInAs((await findUserById(id))!);
    const target = await makePatient();
    const appointmentId = await makeAppointment(people.patient.id, people.doctor.id, "requested");
    const fields = doctorFields();
    expect(await unchanged(() => setUserActiveAction({ userId: target, active: false }))).toEqual({
      ok: false,
      message: CHANGE_FIRST,
    });
    expect(await unchanged(() => adminCancelAppointmentAction({ appointmentId, reason: "Closed." }))).toEqual({
      ok: false,
      message: CHANGE_FIRST,
    });
    const created = await unchanged(() => createDoctorAction(null, formOf(fields)));
    expect(created).toMatchObject({ ok: false, message: CHANGE_FIRST });
    expect(created!.values).not.toHaveProperty("temporaryPassword");
  });
});

// ---------------------------------------------------------------- bad input

describe("createDoctorAction with bad input", () => {
  beforeEach(() => signInAs("admin"));

  const cases: [string, Record<string, string>, string, string][] = [
    ["a missing name", { name: "" }, "name", "Enter your name."],
    ["a name of spaces", { name: "   " }, "name", "Enter your name."],
    ["an 8 MB name", { name: HUGE }, "name", "A name has at most 100 characters."],
    ["a missing email", { email: "" }, "email", "Enter your email address."],
    ["a malformed email", { email: "not-an-email" }, "email", "Enter a valid email address, like name@example.com."],
    ["an 8 MB email", { email: HUGE }, "email", "An email address has at most 254 characters."],
    ["a missing specialty", { specialty: "" }, "specialty", "Enter a specialty."],
    ["an 8 MB specialty", { specialty: HUGE }, "specialty", "Use at most 100 characters."],
    ["an 8 MB bio", { bio: HUGE }, "bio", "Use at most 1000 characters."],
    ["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }, "timeZone", "Choose a time zone from the list."],
    ["an 8 MB time zone", { timeZone: HUGE }, "timeZone", "Choose a time zone from the list."],
    ["a missing temporary password", { temporaryPassword: "" }, "temporaryPassword", "Use at least 10 characters."],
    [
      "the temporary password 'password'",
      { temporaryPassword: "password" },
      "temporaryPassword",
      "Use at least 10 characters.",
    ],
    [
      "a temporary password of one letter",
      { temporaryPassword: "aaaaaaaaaaaa" },
      "temporaryPassword",
      "Mix letters with digits or symbols.",
    ],
    [
      "a temporary password of digits only",
      { temporaryPassword: "1234567890" },
      "temporaryPassword",
      "Mix letters with digits or symbols.",
    ],
    [
      "a temporary password of two characters",
      { temporaryPassword: "aaaaaaaaa1" },
      "temporaryPassword",
      "Use more different characters.",
    ],
    [
      "an 8 MB temporary password",
      { temporaryPassword: `Ab1-${HUGE}` },
      "temporaryPassword",
      "Use at most 200 characters.",
    ],
  ];

  for (const [label, overrides, field, message] of cases) {
    it(`refuses ${label} with a clear message, writes nothing and never echoes the password`, async () => {
      const fields = doctorFields(overrides);
      const result = await unchanged(() => createDoctorAction(null, formOf(fields)));
      expect(result).toMatchObject({ ok: false, message });
      if (result?.ok !== false) throw new Error("expected a refusal");
      expect(result.fieldErrors?.[field]).toContain(message);
      expect(Object.keys(result.fieldErrors ?? {})).toEqual([field]);
      expect(result.values).not.toHaveProperty("temporaryPassword");
      if (fields.temporaryPassword!.length >= 8) expect(JSON.stringify(result)).not.toContain(fields.temporaryPassword);
      // The other fields come back so the form keeps them.
      if (field !== "name") expect(result.values?.name).toBe(fields.name);
      expect(await findUserByEmail(fields.email!.slice(0, 254))).toBeNull();
    });
  }

  it("refuses an empty form, naming every missing field", async () => {
    const result = await unchanged(() => createDoctorAction(null, new FormData()));
    if (result?.ok !== false) throw new Error("expected a refusal");
    expect(result.message).toBe("Enter your name.");
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(["email", "name", "specialty", "temporaryPassword"]);
    expect(result.values).toEqual({ name: "", email: "", specialty: "", bio: "", timeZone: "" });
  });

  it("refuses a file where text is expected", async () => {
    const form = formOf(doctorFields());
    form.set("name", new Blob(["Eve"]), "name.txt");
    const result = await unchanged(() => createDoctorAction(null, form));
    expect(result).toMatchObject({ ok: false, message: "Enter your name." });
  });

  it("refuses an email already taken in another letter case, keeping the other fields but not the password", async () => {
    const fields = doctorFields({ email: DEMO_DOCTORS[1].email.toUpperCase() });
    const result = await unchanged(() => createDoctorAction(null, formOf(fields)));
    expect(result).toEqual({
      ok: false,
      message: "An account with this email already exists.",
      fieldErrors: { email: ["An account with this email already exists."] },
      values: {
        name: fields.name,
        email: fields.email,
        specialty: fields.specialty,
        bio: fields.bio,
        timeZone: fields.timeZone,
      },
    });
    expect(JSON.stringify(result)).not.toContain(fields.temporaryPassword);
  });

  it("creates the doctor from good input, lowercasing the email and defaulting the time zone", async () => {
    const fields = doctorFields({ email: `Mixed.Case-${unique()}@Example.TEST`, timeZone: "" });
    const path = await redirectOf(createDoctorAction(null, formOf(fields)));
    const id = /^\/admin\/users\?created=(.+)$/.exec(path)![1]!;
    expect(await findUserById(id)).toMatchObject({
      email: fields.email!.toLowerCase(),
      role: "doctor",
      mustChangePassword: true,
    });
    const [profile] = await db().select().from(doctorProfiles).where(eq(doctorProfiles.userId, id));
    expect(profile).toMatchObject({ specialty: "Rheumatology", timeZone: "Europe/London" });
    expect(revalidatePath).toHaveBeenCalledWith("/admin", "layout");
  });
});

describe("setUserActiveAction with bad input", () => {
  beforeEach(() => signInAs("admin"));

  it("refuses malformed, missing and unknown ids with 'That user was not found.'", async () => {
    const inputs = [
      { userId: "not-a-uuid", active: false },
      { userId: "'; drop table users; --", active: false },
      { userId: HUGE, active: false },
      { userId: 42, active: false },
      { active: false },
      { userId: crypto.randomUUID(), active: false },
    ];
    for (const input of inputs) {
      expect(await unchanged(() => setUserActiveAction(raw(input))), JSON.stringify(input).slice(0, 60)).toMatchObject({
        ok: false,
        message: "That user was not found.",
      });
    }
  });

  it("refuses a missing or non-boolean 'active', changing nothing", async () => {
    const userId = await makePatient();
    for (const input of [{ userId }, { userId, active: "false" }, { userId, active: 0 }, { userId, active: null }]) {
      expect(await unchanged(() => setUserActiveAction(raw(input)))).toMatchObject({
        ok: false,
        message: "Say whether the account should be active.",
      });
    }
  });

  it("refuses input that is not an object", async () => {
    for (const input of [null, undefined, "x", [people.patient.id]]) {
      const result = await unchanged(() => setUserActiveAction(raw(input)));
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.message).not.toBe(UNEXPECTED);
      expect(result.message.length).toBeGreaterThan(0);
    }
  });

  it("refuses the admin's own account and another admin's, changing nothing", async () => {
    const other = await createAdmin({
      name: "Otto Other",
      email: `otto-${unique()}@ops.test`,
      password: "Otto-admin-771",
    });
    expect(await unchanged(() => setUserActiveAction({ userId: people.admin.id, active: false }))).toEqual({
      ok: false,
      message: "You cannot change your own account's access here.",
    });
    expect(await unchanged(() => setUserActiveAction({ userId: other.id, active: false }))).toEqual({
      ok: false,
      message: "Administrator accounts cannot be deactivated here.",
    });
  });
});

describe("adminCancelAppointmentAction with bad input", () => {
  beforeEach(() => signInAs("admin"));

  it("refuses malformed, missing and unknown ids with 'That appointment was not found.'", async () => {
    const inputs = [
      { appointmentId: "123", reason: "Closed." },
      { appointmentId: HUGE, reason: "Closed." },
      { reason: "Closed." },
      { appointmentId: crypto.randomUUID(), reason: "Closed." },
      // A real id, of a user rather than an appointment.
      { appointmentId: people.patient.id, reason: "Closed." },
    ];
    for (const input of inputs) {
      expect(await unchanged(() => adminCancelAppointmentAction(raw(input)))).toMatchObject({
        ok: false,
        message: "That appointment was not found.",
      });
    }
  });

  it("refuses a missing, blank or oversized reason, changing nothing", async () => {
    const appointmentId = await makeAppointment(people.patient.id, people.doctor.id, "requested");
    const cases: [unknown, string][] = [
      [undefined, "Enter a reason."],
      ["", "Enter a reason."],
      ["  \u0000\u0007 ", "Enter a reason."],
      [12, "Enter a reason."],
      ["r".repeat(501), "Use at most 500 characters."],
      [HUGE, "Use at most 500 characters."],
    ];
    for (const [reason, message] of cases) {
      const result = await unchanged(() => adminCancelAppointmentAction(raw({ appointmentId, reason })));
      expect(result).toMatchObject({ ok: false, message, fieldErrors: { reason: [message] } });
    }
    const [row] = await db().select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(row!.status).toBe("requested");
  });

  it("refuses a completed appointment with the reason it cannot be cancelled", async () => {
    const appointmentId = await makeAppointment(people.patient.id, people.doctor.id, "completed");
    expect(await unchanged(() => adminCancelAppointmentAction({ appointmentId, reason: "Too late." }))).toEqual({
      ok: false,
      message: "This appointment is already completed, so it cannot be cancelled.",
    });
  });

  it("cleans the reason: control characters removed, spaces trimmed, 500 characters allowed", async () => {
    const first = await makeAppointment(people.patient.id, people.doctor.id, "requested");
    expect(
      await adminCancelAppointmentAction({ appointmentId: first, reason: "  The clinic\u0000 is closed.  " }),
    ).toEqual({ ok: true, data: undefined });
    const [row] = await db().select().from(appointments).where(eq(appointments.id, first));
    expect(row).toMatchObject({ status: "cancelled", decisionNote: "The clinic is closed." });

    const second = await makeAppointment(people.patient.id, people.doctor.id, "accepted");
    expect(await adminCancelAppointmentAction({ appointmentId: second, reason: "r".repeat(500) })).toEqual({
      ok: true,
      data: undefined,
    });
    const [other] = await db().select().from(appointments).where(eq(appointments.id, second));
    expect(other!.decisionNote).toHaveLength(500);
  });
});
