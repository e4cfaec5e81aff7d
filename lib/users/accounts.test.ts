import { and, desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { registerPatient } from "@/lib/auth/recovery";
import { QUEUES } from "@/lib/jobs/queue";
import { jobsOf } from "@/test/notify";
import { findUserByEmail, findUserById, verifyCredentials } from "./accounts";

const t = setupTestDatabase();
const db = () => t.handle.db;

const PASSWORD = "correct horse battery";

async function rowsWithEmail(email: string) {
  return db()
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
}

async function auditFor(action: string, targetId?: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(
      targetId
        ? and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId))
        : eq(auditEvents.action, action),
    )
    .orderBy(desc(auditEvents.id));
}

/** Registers and answers the account made (the registration itself answers nothing, by design). */
async function registered(input: { name: string; email: string; password: string }) {
  await registerPatient(input);
  const user = await findUserByEmail(input.email);
  if (!user) throw new Error("no account was made");
  return user;
}

describe("registerPatient", () => {
  it("creates an unverified patient with a lowercased email and an argon2id hash, and queues its confirmation email", async () => {
    const user = await registered({ name: "Grace Lee", email: "Grace.Lee@Example.COM", password: PASSWORD });
    expect(user).toEqual({
      id: expect.any(String),
      email: "grace.lee@example.com",
      name: "Grace Lee",
      role: "patient",
      active: true,
      mustChangePassword: false,
    });
    const [row] = await rowsWithEmail("grace.lee@example.com");
    expect(row!.role).toBe("patient");
    expect(row!.emailVerifiedAt).toBeNull();
    expect(row!.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(row!.passwordHash).not.toContain(PASSWORD);
    const events = await auditFor("user.registered", user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: user.id, targetType: "user", targetId: user.id });
    const jobs = await jobsOf(db(), QUEUES.accountEmail);
    expect(jobs.map((j) => j.data)).toContainEqual({ kind: "verify-email", userId: user.id });
  });

  it("answers a taken email (any letter case) exactly as a new one, writes no account, and queues a warning to the owner", async () => {
    await registered({ name: "Henry Wilson", email: "henry@example.com", password: PASSWORD });
    const [{ n: auditBefore }] = (await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)) as [{ n: number }];

    expect(
      await registerPatient({ name: "Someone Else", email: "HENRY@Example.com", password: "another password" }),
    ).toBeUndefined();
    expect(
      await registerPatient({ name: "Henry Again", email: "henry@example.com", password: PASSWORD }),
    ).toBeUndefined();

    const rows = await rowsWithEmail("henry@example.com");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe("Henry Wilson");
    const [{ n: auditAfter }] = (await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)) as [{ n: number }];
    expect(auditAfter).toBe(auditBefore);
    const attempts = (await jobsOf(db(), QUEUES.accountEmail)).filter((j) => j.data.kind === "registration-attempt");
    expect(attempts.map((j) => j.data.email)).toEqual(["HENRY@Example.com".toLowerCase(), "henry@example.com"]);
    // The first account still signs in with its own password, not the refused one.
    expect(await verifyCredentials({ email: "henry@example.com", password: PASSWORD })).not.toBeNull();
    expect(await verifyCredentials({ email: "henry@example.com", password: "another password" })).toBeNull();
  });

  it("registers two people with different emails at once", async () => {
    await Promise.all([
      registerPatient({ name: "Ann", email: "ann@example.com", password: PASSWORD }),
      registerPatient({ name: "Bob", email: "bob@example.com", password: PASSWORD }),
    ]);
    expect(await rowsWithEmail("ann@example.com")).toHaveLength(1);
    expect(await rowsWithEmail("bob@example.com")).toHaveLength(1);
  });

  it("makes only one account of two simultaneous registrations of one email", async () => {
    await Promise.all([
      registerPatient({ name: "Twin One", email: "twin@example.com", password: PASSWORD }),
      registerPatient({ name: "Twin Two", email: "twin@example.com", password: PASSWORD }),
    ]);
    expect(await rowsWithEmail("twin@example.com")).toHaveLength(1);
  });
});

describe("verifyCredentials", () => {
  let userId: string;
  beforeAll(async () => {
    userId = (await registered({ name: "Carol Anderson", email: "carol@example.com", password: PASSWORD })).id;
  });

  it("answers the user, without the hash, for the right password in any email case", async () => {
    const user = await verifyCredentials({ email: "Carol@Example.com", password: PASSWORD });
    expect(user).toEqual({
      id: userId,
      email: "carol@example.com",
      name: "Carol Anderson",
      role: "patient",
      active: true,
      mustChangePassword: false,
    });
    expect(user).not.toHaveProperty("passwordHash");

    const [event] = await auditFor("auth.sign_in", userId);
    expect(event).toMatchObject({ actorId: userId, targetType: "user", targetId: userId });
  });

  it("answers null for a wrong password and records why", async () => {
    expect(await verifyCredentials({ email: "carol@example.com", password: "wrong password!" })).toBeNull();
    expect(await verifyCredentials({ email: "carol@example.com", password: PASSWORD.toUpperCase() })).toBeNull();
    const events = await auditFor("auth.sign_in_failed", userId);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({
      actorId: userId,
      targetType: "user",
      targetId: userId,
      detail: { reason: "wrong_password" },
    });
  });

  it("answers null for an unknown email and records it without an actor", async () => {
    const before = (await auditFor("auth.sign_in_failed")).length;
    expect(await verifyCredentials({ email: "nobody@example.com", password: PASSWORD })).toBeNull();
    const events = await auditFor("auth.sign_in_failed");
    expect(events).toHaveLength(before + 1);
    expect(events[0]).toMatchObject({ actorId: null, targetId: null, detail: { reason: "unknown_email" } });
    // The address tried is not written into the log.
    expect(JSON.stringify(events[0])).not.toContain("nobody@example.com");
  });

  it("answers null for a deactivated user, even with the right password", async () => {
    const isabel = await registered({ name: "Isabel Garcia", email: "isabel@example.com", password: PASSWORD });
    await db().update(users).set({ active: false }).where(eq(users.id, isabel.id));

    expect(await verifyCredentials({ email: "isabel@example.com", password: PASSWORD })).toBeNull();
    const [event] = await auditFor("auth.sign_in_failed", isabel.id);
    expect(event).toMatchObject({ actorId: isabel.id, detail: { reason: "inactive" } });
    expect(await auditFor("auth.sign_in", isabel.id)).toHaveLength(0);
  });

  it("finds users by id and by email in any case, never with the hash", async () => {
    const byEmail = await findUserByEmail("CAROL@example.com");
    expect(byEmail?.id).toBe(userId);
    expect(byEmail).not.toHaveProperty("passwordHash");
    expect(await findUserById(userId)).toEqual(byEmail);
    expect(await findUserByEmail("nobody@example.com")).toBeNull();
    expect(await findUserById(crypto.randomUUID())).toBeNull();
  });
});
