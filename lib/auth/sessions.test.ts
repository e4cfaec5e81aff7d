import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { auditEvents, userSessions, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { changePassword } from "@/lib/users/accounts";
import { endUserSessions, sessionCounts, setUserActive } from "@/lib/users/admin";
import { hashPassword } from "./password";
import { activeSessionCount, findSessionUser, revokeSession, sessionMayContinue, startSession } from "./sessions";
import { authConfig } from "./config";

const t = setupTestDatabase();
const db = () => t.handle.db;

async function person(role: "patient" | "doctor" | "admin" = "patient", password = "the password 123") {
  const [row] = await db()
    .insert(users)
    .values({
      name: `Sessions ${role}`,
      email: `sessions.${crypto.randomBytes(4).toString("hex")}@example.test`,
      passwordHash: await hashPassword(password),
      role,
    })
    .returning({ id: users.id });
  return row!.id;
}
async function signedIn(userId: string) {
  const sessionId = crypto.randomUUID();
  await startSession({ userId, sessionId });
  return sessionId;
}
const valid = async (userId: string, sessionId: string) => !(await findSessionUser(userId, sessionId)).revoked;

/** Auth.js's JWT callback as the proxy runs it on each page: the token to re-issue, or null (cookie cleared). */
const renew = (token: Record<string, unknown>) =>
  (authConfig.callbacks.jwt as (p: { token: Record<string, unknown> }) => Promise<unknown>)({ token });

describe("a signed-out session", () => {
  it("is never renewed, and stays refused until its end, however often its cookie comes back", async () => {
    const id = await person();
    const sid = await signedIn(id);
    const token = { sub: id, sid, role: "patient" };
    expect(await renew(token)).toEqual(token);
    await revokeSession({ sessionId: sid, userId: id });
    expect(await renew(token)).toBeNull();
    expect(await valid(id, sid)).toBe(false);
    // The row is kept (it used to be pruned 12 hours after sign-out, reviving a renewed cookie).
    const [row] = await db().select().from(userSessions).where(eq(userSessions.id, sid));
    expect(row!.revokedAt).not.toBeNull();
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    // Even 13 hours on, a renewed cookie of it is refused: its end never moved.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 13 * 3_600_000);
      expect(await valid(id, sid)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a session past the end fixed at sign-in is refused, though it was never signed out", async () => {
    const id = await person();
    const sid = await signedIn(id);
    await db()
      .update(userSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(userSessions.id, sid));
    expect(await valid(id, sid)).toBe(false);
    expect(await sessionMayContinue(id, sid)).toBe(false);
  });

  it("a token of a session never recorded is not renewed", async () => {
    const id = await person();
    expect(await renew({ sub: id, sid: crypto.randomUUID() })).toBeNull();
    expect(await renew({ sub: id })).toBeNull();
  });
});

describe("ending every session of an account", () => {
  it("changing the password ends the other devices' sessions (the caller signs this one in again)", async () => {
    const id = await person("patient", "old password 1234");
    const [laptop, phone] = [await signedIn(id), await signedIn(id)];
    await changePassword({ userId: id, currentPassword: "old password 1234", newPassword: "new password 5678" });
    expect(await valid(id, laptop)).toBe(false);
    expect(await valid(id, phone)).toBe(false);
    const fresh = await signedIn(id);
    expect(await valid(id, fresh)).toBe(true);
  });

  it("deactivating ends them, and reactivating does not bring a pre-deactivation cookie back", async () => {
    const admin = await person("admin");
    const id = await person();
    const before = await signedIn(id);
    await setUserActive({ adminId: admin, userId: id, active: false });
    expect(await valid(id, before)).toBe(false);
    await setUserActive({ adminId: admin, userId: id, active: true });
    expect(await valid(id, before)).toBe(false);
    expect(await sessionMayContinue(id, before)).toBe(false);
    expect(await valid(id, await signedIn(id))).toBe(true);
  });

  it("an admin sees how many sessions a user has and ends them all, audited", async () => {
    const admin = await person("admin");
    const id = await person();
    const sessions = [await signedIn(id), await signedIn(id), await signedIn(id)];
    await revokeSession({ sessionId: sessions[0]!, userId: id });
    expect(await activeSessionCount(id)).toBe(2);
    expect((await sessionCounts([id])).get(id)).toBe(2);
    await endUserSessions({ adminId: admin, userId: id });
    expect(await activeSessionCount(id)).toBe(0);
    for (const sid of sessions) expect(await valid(id, sid)).toBe(false);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "admin.sessions_ended"), eq(auditEvents.targetId, id)));
    expect(audit).toEqual([expect.objectContaining({ actorId: admin })]);
    await expect(endUserSessions({ adminId: admin, userId: admin })).rejects.toThrow("Sign out of your own sessions");
  });
});
