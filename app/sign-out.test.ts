import { and, count, eq, isNotNull } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { userSessions, users } from "@/db/schema";
import { getCurrentUser } from "@/lib/auth/gate";
import { liveHub } from "@/lib/live/hub";
import type { LiveEvent } from "@/lib/live/events";
import { setupTestDatabase } from "@/test/db";
import { request, signInAs } from "@/test/matrix/request";
import { signOutAction } from "./actions";

vi.mock("@/lib/auth/auth-js", async () => (await import("@/test/matrix/auth-module")).fakeAuthModule());
vi.mock("next-auth", async () => (await import("@/test/matrix/request")).nextAuthModule);
vi.mock("next/headers", async () => (await import("@/test/matrix/request")).headersModule);

const t = setupTestDatabase();

async function patient(): Promise<string> {
  const [row] = await t.handle.db
    .insert(users)
    .values({
      name: "Sam Signout",
      email: `sam-${crypto.randomUUID()}@example.test`,
      passwordHash: "x",
      role: "patient",
    })
    .returning({ id: users.id });
  return row!.id;
}

describe("signing out", () => {
  it("revokes the session itself: its cookie, sent again (a request in flight set it back), is refused", async () => {
    const id = await patient();
    signInAs(id);
    const cookie = request.session!;
    expect((await getCurrentUser())?.id).toBe(id);

    await signOutAction();
    expect(request.session).toBeNull();
    request.session = cookie;
    expect(await getCurrentUser()).toBeNull();
    expect(
      (
        await t.handle.db
          .select({ n: count() })
          .from(userSessions)
          .where(and(eq(userSessions.id, cookie.sessionId), isNotNull(userSessions.revokedAt)))
      )[0]?.n,
    ).toBe(1);
  });

  it("leaves the account's other sessions signed in, and tells only this session's streams", async () => {
    const id = await patient();
    signInAs(id);
    const laptop = request.session!;
    signInAs(id);
    const phone = request.session!;
    const events: LiveEvent[] = [];
    const off = await liveHub().subscribe(id, (e) => events.push(e));

    request.session = laptop;
    await signOutAction();
    request.session = phone;
    expect((await getCurrentUser())?.id).toBe(id);
    await expect.poll(() => events).toEqual([{ type: "session-ended", sessionId: laptop.sessionId }]);
    off();
  });

  it("does not accept a session cookie without a session id (one that could never be revoked)", async () => {
    const id = await patient();
    request.session = { user: { id } } as typeof request.session;
    expect(await getCurrentUser()).toBeNull();
  });
});
