import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { roomMembers } from "@/db/schema";
import { notFoundError } from "@/lib/errors";
import { publish } from "@/lib/live/hub";
import { TYPING } from "@/lib/shared/model";

/** When each member last told their room they were typing (per instance; nothing is stored). */
const lastSignal = new Map<string, number>();

function forgetOld(now: number): void {
  if (lastSignal.size < 10_000) return;
  for (const [key, at] of lastSignal) if (now - at >= TYPING.throttleMs) lastSignal.delete(key);
}

/**
 * "This member is typing", sent live to the room's other member and never persisted. At most one
 * event per member and room every `TYPING.throttleMs` (later calls within it are dropped, not
 * refused: the indicator needs no more). A non-member gets not-found, as for any room door.
 */
export async function signalTyping(input: {
  roomId: string;
  userId: string;
  now?: number;
}): Promise<{ sent: boolean }> {
  const now = input.now ?? Date.now();
  const key = `${input.roomId}:${input.userId}`;
  const last = lastSignal.get(key);
  if (last !== undefined && now - last < TYPING.throttleMs) return { sent: false };

  const members = await getDb()
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(eq(roomMembers.roomId, input.roomId));
  if (!members.some((m) => m.userId === input.userId)) throw notFoundError("That conversation");
  forgetOld(now);
  lastSignal.set(key, now);
  const others = members.map((m) => m.userId).filter((id) => id !== input.userId);
  await publish(others, { type: "typing", roomId: input.roomId, userId: input.userId });
  return { sent: true };
}

/** For tests: start every member's throttle afresh. */
export function resetTypingThrottle(): void {
  lastSignal.clear();
}
