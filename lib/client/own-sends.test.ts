import { describe, expect, it } from "vitest";
import { afterOwnSends, trackSend } from "./own-sends";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("own sends under way", () => {
  it("runs at once when the tab has no send under way in the room", () => {
    const ran: string[] = [];
    afterOwnSends("room-idle", () => ran.push("now"));
    expect(ran).toEqual(["now"]);
  });

  it("waits until every send into the room has settled, answered or failed, and never for another room's", async () => {
    const first = deferred();
    const second = deferred();
    const ran: string[] = [];
    const sending = [
      trackSend("room-a", () => first.promise),
      trackSend("room-a", () => second.promise).catch(() => "failed"),
    ];
    afterOwnSends("room-a", () => ran.push("a"));
    afterOwnSends("room-b", () => ran.push("b"));
    expect(ran).toEqual(["b"]);

    first.resolve();
    await sending[0];
    expect(ran).toEqual(["b"]);

    second.reject(new Error("offline"));
    expect(await sending[1]).toBe("failed");
    expect(ran).toEqual(["b", "a"]);

    // Settled: the next event of the room runs at once again.
    afterOwnSends("room-a", () => ran.push("a again"));
    expect(ran).toEqual(["b", "a", "a again"]);
  });

  it("runs what waited after the send's own work (the merge of its answer) is done", async () => {
    const order: string[] = [];
    const send = trackSend("room-c", async () => {
      await Promise.resolve();
      order.push("merged");
    });
    afterOwnSends("room-c", () => order.push("event handled"));
    await send;
    expect(order).toEqual(["merged", "event handled"]);
  });
});
