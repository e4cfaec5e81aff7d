import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/db";
import { pgError } from "./errors";
import { rowsOf } from "./rows";
import { appointments, auditEvents, chatRooms, messages, roomMembers, users } from "./schema";
import type { Role } from "@/lib/shared/model";

const t = setupTestDatabase();
const db = () => t.handle.db;

/** Awaits a statement that must fail, and returns its SQLSTATE and constraint. */
async function failure(statement: PromiseLike<unknown>): Promise<{ code?: string; constraint?: string }> {
  try {
    await statement;
  } catch (error) {
    const e = pgError(error);
    if (!e.code) throw error;
    return e;
  }
  throw new Error("the statement was accepted");
}

const CHECK = "23514";
const UNIQUE = "23505";
const FOREIGN_KEY = "23503";

let counter = 0;
const uniqueEmail = (prefix = "user") => `${prefix}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;

async function makeUser(role: Role = "patient", email = uniqueEmail(role)): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({ email, name: `A ${role}`, passwordHash: "x", role })
    .returning({ id: users.id });
  return row!.id;
}

const AT = new Date("2030-03-04T10:00:00Z");

async function makeAppointment(values: {
  patientId: string;
  doctorId: string;
  startsAt?: Date;
  status?: "requested" | "accepted";
}) {
  const [row] = await db()
    .insert(appointments)
    .values({ startsAt: AT, reason: "A check-up.", ...values })
    .returning({ id: appointments.id });
  return row!.id;
}

/** An accepted appointment with its room and both people as members. */
async function makeRoom() {
  const patientId = await makeUser("patient");
  const doctorId = await makeUser("doctor");
  const appointmentId = await makeAppointment({
    patientId,
    doctorId,
    startsAt: new Date(AT.getTime() + ++counter * 3_600_000),
    status: "accepted",
  });
  const [room] = await db().insert(chatRooms).values({ appointmentId }).returning({ id: chatRooms.id });
  await db()
    .insert(roomMembers)
    .values([
      { roomId: room!.id, userId: patientId },
      { roomId: room!.id, userId: doctorId },
    ]);
  return { roomId: room!.id, appointmentId, patientId, doctorId };
}

describe("migrations", () => {
  it("keep rate-limit buckets out of the write-ahead log, and everything else in it", async () => {
    const rows = rowsOf<{ relname: string; relpersistence: string }>(
      await db().execute(
        sql`select relname, relpersistence from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`,
      ),
    );
    expect(rows.filter((r) => r.relpersistence === "u").map((r) => r.relname)).toEqual(["rate_limits"]);
  });

  it("create every table", async () => {
    const result = await db().execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const tables = rowsOf<{ table_name: string }>(result).map((r) => r.table_name);
    expect(tables).toEqual(
      expect.arrayContaining([
        "users",
        "doctor_profiles",
        "working_hours",
        "appointments",
        "chat_rooms",
        "room_members",
        "messages",
        "audit_events",
      ]),
    );
  });

  it("are all recorded as applied", async () => {
    const journal = JSON.parse(
      fs.readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8"),
    ) as { entries: unknown[] };
    const [row] = rowsOf<{ n: number }>(
      await db().execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
    );
    expect(row!.n).toBe(journal.entries.length);
  });
});

describe("users", () => {
  it("refuses a role outside patient, doctor and admin", async () => {
    const insert = db().execute(
      sql`insert into users (email, name, password_hash, role) values (${uniqueEmail()}, 'N', 'x', 'nurse')`,
    );
    expect(await failure(insert)).toEqual({ code: CHECK, constraint: "users_role_check" });
  });

  it("refuses a second account whose email differs only in letter case", async () => {
    const email = uniqueEmail("case");
    await makeUser("patient", email);
    expect(await failure(makeUser("doctor", email.toUpperCase()))).toEqual({
      code: UNIQUE,
      constraint: "users_email_lower_key",
    });
    expect(await failure(makeUser("patient", email))).toEqual({ code: UNIQUE, constraint: "users_email_lower_key" });
    const same = await db()
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`);
    expect(same).toHaveLength(1);
  });

  it("bounds the name and email lengths", async () => {
    const values = (name: string, email: string) => ({ email, name, passwordHash: "x", role: "patient" as const });
    expect(await failure(db().insert(users).values(values("", uniqueEmail())))).toEqual({
      code: CHECK,
      constraint: "users_name_length",
    });
    expect(
      await failure(
        db()
          .insert(users)
          .values(values("n".repeat(101), uniqueEmail())),
      ),
    ).toEqual({ code: CHECK, constraint: "users_name_length" });
    expect(
      await failure(
        db()
          .insert(users)
          .values(values("N", `${"e".repeat(243)}@example.com`)),
      ),
    ).toEqual({ code: CHECK, constraint: "users_email_length" });
    await db()
      .insert(users)
      .values(values("n".repeat(100), uniqueEmail()));
  });
});

describe("appointments", () => {
  let patientId: string;
  let otherPatientId: string;
  let doctorId: string;
  beforeAll(async () => {
    patientId = await makeUser("patient");
    otherPatientId = await makeUser("patient");
    doctorId = await makeUser("doctor");
  });

  it("refuses one where the patient is the doctor", async () => {
    expect(await failure(makeAppointment({ patientId: doctorId, doctorId }))).toEqual({
      code: CHECK,
      constraint: "appointments_distinct_people",
    });
  });

  it("refuses a reason of 0 or 501 characters and takes 500", async () => {
    const insert = (reason: string) =>
      db()
        .insert(appointments)
        .values({ patientId, doctorId, startsAt: new Date("2030-05-01T09:00:00Z"), reason, status: "declined" });
    expect(await failure(insert(""))).toEqual({ code: CHECK, constraint: "appointments_reason_length" });
    expect(await failure(insert("r".repeat(501)))).toEqual({ code: CHECK, constraint: "appointments_reason_length" });
    await insert("r".repeat(500));
  });

  it("refuses a status outside the list", async () => {
    const insert = db().execute(
      sql`insert into appointments (patient_id, doctor_id, starts_at, reason, status) values (${patientId}, ${doctorId}, now(), 'Why', 'pending')`,
    );
    expect(await failure(insert)).toEqual({ code: CHECK, constraint: "appointments_status_check" });
  });

  it("refuses an empty decision note", async () => {
    const insert = db()
      .insert(appointments)
      .values({ patientId, doctorId, startsAt: AT, reason: "Why", status: "declined", decisionNote: "" });
    expect(await failure(insert)).toEqual({ code: CHECK, constraint: "appointments_note_length" });
  });

  it("refuses a second accepted appointment for one doctor at the same time, but allows requests", async () => {
    const startsAt = new Date("2030-06-03T14:30:00Z");
    // Two people asking for the same time is fine while neither is accepted.
    const first = await makeAppointment({ patientId, doctorId, startsAt });
    const second = await makeAppointment({ patientId: otherPatientId, doctorId, startsAt });

    await db().update(appointments).set({ status: "accepted" }).where(eq(appointments.id, first));
    expect(
      await failure(db().update(appointments).set({ status: "accepted" }).where(eq(appointments.id, second))),
    ).toEqual({
      code: UNIQUE,
      constraint: "appointments_doctor_accepted_slot_key",
    });
    expect(
      await failure(makeAppointment({ patientId: otherPatientId, doctorId, startsAt, status: "accepted" })),
    ).toEqual({
      code: UNIQUE,
      constraint: "appointments_doctor_accepted_slot_key",
    });

    // Another doctor, or another time, is free; and once the first is cancelled the slot is too.
    const otherDoctor = await makeUser("doctor");
    await makeAppointment({ patientId: otherPatientId, doctorId: otherDoctor, startsAt, status: "accepted" });
    await makeAppointment({
      patientId: otherPatientId,
      doctorId,
      startsAt: new Date(startsAt.getTime() + 1_800_000),
      status: "accepted",
    });
    await db().update(appointments).set({ status: "cancelled" }).where(eq(appointments.id, first));
    await db().update(appointments).set({ status: "accepted" }).where(eq(appointments.id, second));
  });

  it("refuses an unknown patient or doctor", async () => {
    const ghost = crypto.randomUUID();
    expect((await failure(makeAppointment({ patientId: ghost, doctorId }))).code).toBe(FOREIGN_KEY);
    expect((await failure(makeAppointment({ patientId, doctorId: ghost }))).code).toBe(FOREIGN_KEY);
  });
});

describe("chat", () => {
  it("refuses a second room for the same appointment", async () => {
    const { appointmentId } = await makeRoom();
    expect(await failure(db().insert(chatRooms).values({ appointmentId }))).toEqual({
      code: UNIQUE,
      constraint: "chat_rooms_appointment_key",
    });
  });

  it("refuses two messages with the same sequence number in a room", async () => {
    const { roomId, patientId, doctorId } = await makeRoom();
    await db()
      .insert(messages)
      .values({ roomId, seq: 1, senderId: patientId, clientId: crypto.randomUUID(), body: "Hello" });
    const again = db()
      .insert(messages)
      .values({ roomId, seq: 1, senderId: doctorId, clientId: crypto.randomUUID(), body: "Hi" });
    expect(await failure(again)).toEqual({ code: UNIQUE, constraint: "messages_room_id_seq_pk" });
    // The same number in another room is fine.
    const other = await makeRoom();
    await db()
      .insert(messages)
      .values({ roomId: other.roomId, seq: 1, senderId: other.doctorId, clientId: crypto.randomUUID(), body: "Hi" });
  });

  it("refuses the same client id twice from one sender in a room", async () => {
    const { roomId, patientId, doctorId } = await makeRoom();
    const clientId = crypto.randomUUID();
    await db().insert(messages).values({ roomId, seq: 1, senderId: patientId, clientId, body: "Hello" });
    const retry = db().insert(messages).values({ roomId, seq: 2, senderId: patientId, clientId, body: "Hello" });
    expect(await failure(retry)).toEqual({ code: UNIQUE, constraint: "messages_room_sender_client_key" });
    // Another sender may happen to use the same client id.
    await db().insert(messages).values({ roomId, seq: 2, senderId: doctorId, clientId, body: "Hello back" });
  });

  it("refuses a message from someone who is not a member of the room", async () => {
    const { roomId } = await makeRoom();
    const outsider = await makeUser("patient");
    const insert = db()
      .insert(messages)
      .values({ roomId, seq: 1, senderId: outsider, clientId: crypto.randomUUID(), body: "Let me in" });
    expect(await failure(insert)).toEqual({ code: FOREIGN_KEY, constraint: "messages_member_fk" });
    // A member of another room is an outsider here too.
    const other = await makeRoom();
    const cross = db()
      .insert(messages)
      .values({ roomId, seq: 1, senderId: other.patientId, clientId: crypto.randomUUID(), body: "Wrong room" });
    expect(await failure(cross)).toEqual({ code: FOREIGN_KEY, constraint: "messages_member_fk" });
  });

  // Empty is a message of files alone: lib/attachments and the send schema see that it has some.
  it("refuses a body of 2001 characters and takes 2000 or none", async () => {
    const { roomId, patientId } = await makeRoom();
    const insert = (seq: number, body: string) =>
      db().insert(messages).values({ roomId, seq, senderId: patientId, clientId: crypto.randomUUID(), body });
    expect(await failure(insert(1, "b".repeat(2001)))).toEqual({ code: CHECK, constraint: "messages_body_length" });
    await insert(1, "b".repeat(2000));
    await insert(2, "");
  });

  it("refuses a sequence number below 1", async () => {
    const { roomId, patientId } = await makeRoom();
    const insert = db()
      .insert(messages)
      .values({ roomId, seq: 0, senderId: patientId, clientId: crypto.randomUUID(), body: "Zero" });
    expect(await failure(insert)).toEqual({ code: CHECK, constraint: "messages_seq_positive" });
  });
});

describe("audit_events", () => {
  it("is append-only: UPDATE, DELETE and TRUNCATE are refused", async () => {
    const actorId = await makeUser("admin");
    const [event] = await db()
      .insert(auditEvents)
      .values({ actorId, action: "test.original", detail: { n: 1 } })
      .returning({ id: auditEvents.id });
    const id = event!.id;

    expect(
      (await failure(db().update(auditEvents).set({ action: "test.rewritten" }).where(eq(auditEvents.id, id)))).code,
    ).toBe("42501");
    expect((await failure(db().delete(auditEvents).where(eq(auditEvents.id, id)))).code).toBe("42501");
    expect((await failure(db().execute(sql`delete from audit_events`))).code).toBe("42501");
    expect((await failure(db().execute(sql`truncate audit_events`))).code).toBe("42501");

    const [row] = await db().select().from(auditEvents).where(eq(auditEvents.id, id));
    expect(row).toMatchObject({ action: "test.original", actorId, detail: { n: 1 } });
  });

  it("names the rule in the error", async () => {
    await db().insert(auditEvents).values({ actorId: null, action: "test.any" });
    await expect(db().execute(sql`update audit_events set action = 'x'`)).rejects.toSatisfy((error: unknown) =>
      /audit_events is append-only/.test(String((error as { cause?: unknown }).cause ?? error)),
    );
  });
});
