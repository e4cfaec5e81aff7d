/**
 * Sends this tab has under way, per room. The live event of one's own message usually arrives
 * before the send has answered (the event leaves at commit, the answer after the action's
 * response), and the answer brings the message itself: so the event waits for the answer instead
 * of fetching what is about to be merged (a request less for every message sent).
 */
const underWay = new Map<string, number>();
const waiting = new Map<string, (() => void)[]>();

/** Runs `send` as one of the room's sends under way until it settles, answered or failed. */
export async function trackSend<T>(roomId: string, send: () => Promise<T>): Promise<T> {
  underWay.set(roomId, (underWay.get(roomId) ?? 0) + 1);
  try {
    return await send();
  } finally {
    const left = underWay.get(roomId)! - 1;
    if (left > 0) underWay.set(roomId, left);
    else {
      underWay.delete(roomId);
      const then = waiting.get(roomId) ?? [];
      waiting.delete(roomId);
      for (const run of then) run();
    }
  }
}

/** Runs `then` now, or once every send of this tab into the room has settled. */
export function afterOwnSends(roomId: string, then: () => void): void {
  if (!underWay.has(roomId)) return then();
  const list = waiting.get(roomId);
  if (list) list.push(then);
  else waiting.set(roomId, [then]);
}
