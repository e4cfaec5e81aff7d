import { and, desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { findUserByEmail, findUserById, registerPatient, verifyCredentials } from "./accounts";

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

describe("registerPatient", () => {
  it("creates a patient with a lowercased email and an argon2id hash it never returns", async () => {
    const result = await registerPatient({ name: "Grace Lee", email: "Grace.Lee@Example.COM", password: PASSWORD });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.user).toEqual({
      id: expect.any(String),
      email: "grace.lee@example.com",
      name: "Grace Lee",
      role: "patient",
      active: true,
      mustChangePassword: false,
    });
    expect(JSON.stringify(result)).not.toMatch(/argon2|passwordHash|password_hash/);

    const [row] = await rowsWithEmail("grace.lee@example.com");
    expect(row!.id).toBe(result.user.id);
    expect(row!.email).toBe("grace.lee@example.com");
    expect(row!.role).toBe("patient");
    expect(row!.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(row!.passwordHash).not.toContain(PASSWORD);

    const events = await auditFor("user.registered", result.user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: result.user.id, targetType: "user", targetId: result.user.id });
  });

  it("refuses the same email in another letter case, writing nothing", async () => {
    const first = await registerPatient({ name: "Henry Wilson", email: "henry@example.com", password: PASSWORD });
    expect(first.ok).toBe(true);
    const [{ n: auditBefore }] = (await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)) as [{ n: number }];

    expect(
      await registerPatient({ name: "Someone Else", email: "HENRY@Example.com", password: "another password" }),
    ).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(await registerPatient({ name: "Henry Again", email: "henry@example.com", password: PASSWORD })).toEqual({
      ok: false,
      reason: "email_taken",
    });

    const rows = await rowsWithEmail("henry@example.com");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe("Henry Wilson");
    const [{ n: auditAfter }] = (await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)) as [{ n: number }];
    expect(auditAfter).toBe(auditBefore);
    // The first account still signs in with its own password, not the refused one.
    expect(await verifyCredentials({ email: "henry@example.com", password: PASSWORD })).not.toBeNull();
    expect(await verifyCredentials({ email: "henry@example.com", password: "another password" })).toBeNull();
  });

  it("registers two people with different emails at once", async () => {
    const [a, b] = await Promise.all([
      registerPatient({ name: "Ann", email: "ann@example.com", password: PASSWORD }),
      registerPatient({ name: "Bob", email: "bob@example.com", password: PASSWORD }),
    ]);
    expect(a.ok && b.ok).toBe(true);
  });

  it("lets only one of two simultaneous registrations of one email through", async () => {
    const results = await Promise.all([
      registerPatient({ name: "Twin One", email: "twin@example.com", password: PASSWORD }),
      registerPatient({ name: "Twin Two", email: "TWIN@example.com", password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: "email_taken" }]);
    expect(await rowsWithEmail("twin@example.com")).toHaveLength(1);
  });
});

describe("verifyCredentials", () => {
  let userId: string;
  beforeAll(async () => {
    const result = await registerPatient({ name: "Carol Anderson", email: "carol@example.com", password: PASSWORD });
    if (!result.ok) throw new Error("could not register the test user");
    userId = result.user.id;
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
    const result = await registerPatient({ name: "Isabel Garcia", email: "isabel@example.com", password: PASSWORD });
    if (!result.ok) throw new Error("could not register");
    await db().update(users).set({ active: false }).where(eq(users.id, result.user.id));

    expect(await verifyCredentials({ email: "isabel@example.com", password: PASSWORD })).toBeNull();
    const [event] = await auditFor("auth.sign_in_failed", result.user.id);
    expect(event).toMatchObject({ actorId: result.user.id, detail: { reason: "inactive" } });
    expect(await auditFor("auth.sign_in", result.user.id)).toHaveLength(0);
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
