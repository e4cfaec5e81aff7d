import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { accountTokens, auditEvents, userSessions, users } from "@/db/schema";
import { requestAppointment } from "@/lib/appointments/requests";
import { DomainError } from "@/lib/errors";
import { startJobWorkers } from "@/lib/jobs/workers";
import { QUEUES } from "@/lib/jobs/queue";
import { findSessionUser, startSession } from "./sessions";
import { DEFAULT_WORKING_HOURS } from "@/lib/shared/slots";
import { doctorProfiles, workingHours } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { freeSlotPool } from "@/test/matrix/world";
import { settled } from "@/test/notify";
import { startSmtpServer } from "@/test/smtp";
import { TOKEN_MINUTES } from "./account-tokens";
import { verifyPassword } from "./password";
import { LINK_EXPIRED, registerPatient, requestPasswordReset, resetPassword, verifyEmail } from "./recovery";

const t = setupTestDatabase();
const db = () => t.handle.db;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const PASSWORD = "an original password";

beforeAll(async () => {
  smtp = await startSmtpServer();
  vi.stubEnv("SMTP_URL", smtp.url);
  vi.stubEnv("AUTH_SECRET", "r".repeat(40));
  vi.stubEnv("APP_URL", "https://portal.example.test");
  await startJobWorkers();
});
afterAll(async () => {
  await smtp.close();
  vi.unstubAllEnvs();
});

const addressOf = () => `198.51.100.${crypto.randomInt(1, 250)}`;
const to = (address: string) => smtp.received.filter((e) => e.envelopeTo.includes(address));
async function emailTo(address: string, subject: string) {
  await expect.poll(() => to(address).some((e) => e.parsed.subject === subject), { timeout: 20_000 }).toBe(true);
  return to(address).find((e) => e.parsed.subject === subject)!;
}
const tokenIn = (text: string | undefined, path: string) => {
  const match = new RegExp(`${path}\\?token=([A-Za-z0-9_-]{43})`).exec(text ?? "");
  expect(match, `a ${path} link`).not.toBeNull();
  return match![1]!;
};
async function registered(name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${crypto.randomBytes(3).toString("hex")}@example.test`;
  await registerPatient({ name, email, password: PASSWORD });
  const [user] = await db().select().from(users).where(eq(users.email, email));
  return user!;
}

describe("registration", () => {
  it("a new address gets an unconfirmed account and a confirmation link that works once", async () => {
    const user = await registered("Nina New");
    expect(user.emailVerifiedAt).toBeNull();
    const email = await emailTo(user.email, "Confirm your email address for Carebridge");
    const token = tokenIn(email.parsed.text, "/verify-email");
    // Only its hash is stored.
    const stored = await db().select().from(accountTokens).where(eq(accountTokens.userId, user.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).not.toContain(token);
    expect(stored[0]!.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));

    expect(await verifyEmail({ token })).toEqual({ email: user.email });
    const [after] = await db().select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, user.id));
    expect(after!.at).not.toBeNull();
    await expect(verifyEmail({ token })).rejects.toThrow(LINK_EXPIRED);
  });

  it("an address that has an account gets a warning with a way to reset, no second account, no link that signs in", async () => {
    const owner = await registered("Olga Owner");
    await emailTo(owner.email, "Confirm your email address for Carebridge");
    await registerPatient({ name: "Someone Else", email: owner.email.toUpperCase(), password: "another password!" });
    const warning = await emailTo(owner.email, "Someone tried to register with your email address");
    expect(warning.parsed.text).toContain("https://portal.example.test/forgot-password");
    expect(warning.parsed.text).not.toMatch(/token=/);
    const rows = await db()
      .select({ name: users.name, hash: users.passwordHash })
      .from(users)
      .where(eq(users.email, owner.email));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe("Olga Owner");
    expect(await verifyPassword(rows[0]!.hash, PASSWORD)).toBe(true);
  });

  it("a patient can book only once the address is confirmed", async () => {
    const patient = await registered("Una Confirmed");
    const [doctor] = await db()
      .insert(users)
      .values({
        name: "Dr Booking",
        email: `booking.${crypto.randomBytes(3).toString("hex")}@example.test`,
        passwordHash: "x",
        role: "doctor",
      })
      .returning({ id: users.id });
    await db()
      .insert(doctorProfiles)
      .values({ userId: doctor!.id, specialty: "General Practice", timeZone: "Europe/London" });
    await db()
      .insert(workingHours)
      .values(DEFAULT_WORKING_HOURS.map((h) => ({ doctorId: doctor!.id, ...h })));
    const [slot] = await freeSlotPool(doctor!.id, "Europe/London", 1);
    const attempt = () =>
      requestAppointment({ patientId: patient.id, doctorId: doctor!.id, startsAt: slot!, reason: "Check-up" });
    const refusal = await attempt().then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe("forbidden");
    expect((refusal as DomainError).message).toMatch(/^Confirm your email address before booking/);
    const token = tokenIn(
      (await emailTo(patient.email, "Confirm your email address for Carebridge")).parsed.text,
      "/verify-email",
    );
    await verifyEmail({ token });
    await expect(attempt()).resolves.toMatchObject({ id: expect.any(String) });
  });
});

describe("forgot password", () => {
  it("emails a single-use link, stored only as a hash, that sets a new password, ends every session and is audited", async () => {
    const user = await registered("Rosa Reset");
    await startSession({ userId: user.id, sessionId: crypto.randomUUID() });
    const laptop = crypto.randomUUID();
    await startSession({ userId: user.id, sessionId: laptop });
    expect((await findSessionUser(user.id, laptop)).revoked).toBe(false);

    await requestPasswordReset({ email: user.email, address: addressOf() });
    const email = await emailTo(user.email, "Reset your Carebridge password");
    expect(email.parsed.text).toContain("for 30 minutes");
    const token = tokenIn(email.parsed.text, "/reset-password");
    const [row] = await db()
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, user.id), eq(accountTokens.purpose, "password-reset")));
    expect(row!.tokenHash).not.toBe(token);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(TOKEN_MINUTES["password-reset"] * 60_000);

    await resetPassword({ token, newPassword: "a brand new password" });
    const [after] = await db().select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    expect(await verifyPassword(after!.hash, "a brand new password")).toBe(true);
    expect((await findSessionUser(user.id, laptop)).revoked).toBe(true);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "user.password_reset"), eq(auditEvents.targetId, user.id)));
    expect(audit).toHaveLength(1);
    await expect(resetPassword({ token, newPassword: "yet another password" })).rejects.toThrow(LINK_EXPIRED);
  });

  it("refuses an expired link, and one of an older email once a newer was sent", async () => {
    const user = await registered("Erin Expired");
    await requestPasswordReset({ email: user.email, address: addressOf() });
    const first = tokenIn((await emailTo(user.email, "Reset your Carebridge password")).parsed.text, "/reset-password");
    await requestPasswordReset({ email: user.email, address: addressOf() });
    await expect
      .poll(() => to(user.email).filter((e) => e.parsed.subject === "Reset your Carebridge password").length, {
        timeout: 20_000,
      })
      .toBe(2);
    const second = tokenIn(
      to(user.email).filter((e) => e.parsed.subject === "Reset your Carebridge password")[1]!.parsed.text,
      "/reset-password",
    );
    await expect(resetPassword({ token: first, newPassword: "should not work 1" })).rejects.toThrow(LINK_EXPIRED);
    await db()
      .update(accountTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(accountTokens.userId, user.id));
    await expect(resetPassword({ token: second, newPassword: "should not work 2" })).rejects.toThrow(LINK_EXPIRED);
    const [after] = await db().select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    expect(await verifyPassword(after!.hash, PASSWORD)).toBe(true);
  });

  it("answers an unknown address exactly as a known one, sends it nothing, and limits requests per address and per account", async () => {
    const known = await registered("Kim Known");
    const unknown = `nobody.${crypto.randomBytes(3).toString("hex")}@example.test`;
    expect(await requestPasswordReset({ email: unknown, address: addressOf() })).toBeUndefined();
    expect(await requestPasswordReset({ email: known.email, address: addressOf() })).toBeUndefined();
    await settled(db(), QUEUES.accountEmail);
    expect(to(unknown)).toHaveLength(0);
    // Three an hour for one account, from any addresses.
    await requestPasswordReset({ email: known.email, address: addressOf() });
    await requestPasswordReset({ email: known.email, address: addressOf() });
    await expect(requestPasswordReset({ email: known.email, address: addressOf() })).rejects.toThrow(
      /^Too many password reset requests\./,
    );
    // Ten an hour from one address, whatever accounts.
    const address = "203.0.113.77";
    for (let i = 0; i < 10; i++)
      await requestPasswordReset({ email: `x${i}.${crypto.randomBytes(2).toString("hex")}@example.test`, address });
    await expect(requestPasswordReset({ email: "y@example.test", address })).rejects.toThrow(
      /^Too many password reset requests\./,
    );
  });
});

describe("timing", () => {
  it("a reset request takes the same time whether or not the address has an account (median of 20 each)", async () => {
    const known = await registered("Tim Timing");
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 20; i++)
      for (const kind of ["known", "unknown"] as const) {
        const email =
          kind === "known" ? known.email : `nobody.${i}.${crypto.randomBytes(2).toString("hex")}@example.test`;
        // Each from a fresh address, with the account's own limit out of the way: only the work is timed.
        await db().execute(sqlResetLimits(email));
        const started = performance.now();
        await requestPasswordReset({ email, address: `192.0.2.${i * 2 + (kind === "known" ? 1 : 2)}` });
        times[kind].push(performance.now() - started);
      }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [a, b] = [median(times.known), median(times.unknown)];
    expect(Math.abs(a - b), `medians ${a.toFixed(2)} ms and ${b.toFixed(2)} ms`).toBeLessThan(
      Math.max(2, 0.5 * Math.max(a, b)),
    );
  });
});

const sqlResetLimits = (email: string) =>
  sql`delete from rate_limits where key = ${`reset:account:${email.toLowerCase()}`}`;

describe("sessions of a user whose row is gone", () => {
  it("are not valid", async () => {
    const user = await registered("Gone Soon");
    const sid = crypto.randomUUID();
    await startSession({ userId: user.id, sessionId: sid });
    await db().delete(userSessions).where(eq(userSessions.id, sid));
    expect((await findSessionUser(user.id, sid)).revoked).toBe(true);
  });
});
