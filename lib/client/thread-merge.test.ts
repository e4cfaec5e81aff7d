import { describe, expect, it } from "vitest";
import { deliveryState, mergeMessages, pollCursor, threadHolds } from "./thread-merge";

interface Msg {
  seq: number;
  body: string;
}

const msg = (seq: number, body = `m${seq}`): Msg => ({ seq, body });
const run = (from: number, to: number): Msg[] => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));
const seqs = (list: readonly { seq: number }[]) => list.map((m) => m.seq);

describe("mergeMessages", () => {
  it("appends newer messages after the held ones, in sequence order", () => {
    expect(seqs(mergeMessages(run(1, 3), run(4, 6)))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps one copy of each sequence number when the lists overlap", () => {
    const merged = mergeMessages(run(1, 5), run(3, 8));
    expect(seqs(merged)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(seqs(merged)).size).toBe(merged.length);
  });

  it("puts an earlier page (load earlier) before the held messages", () => {
    expect(seqs(mergeMessages(run(51, 100), run(1, 50)))).toEqual(seqs(run(1, 100)));
  });

  it("fills a hole in the held list at its place", () => {
    const held = [msg(1), msg(2), msg(5), msg(6)];
    expect(seqs(mergeMessages(held, [msg(4), msg(3)]))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("orders the result even when the incoming list is out of order", () => {
    expect(seqs(mergeMessages([msg(2)], [msg(9), msg(1), msg(5), msg(3)]))).toEqual([1, 2, 3, 5, 9]);
  });

  it("lets the incoming copy win for a sequence number already held", () => {
    const held = [msg(1, "old one"), msg(2, "old two"), msg(3, "old three")];
    const merged = mergeMessages(held, [msg(2, "new two")]);
    expect(merged.map((m) => m.body)).toEqual(["old one", "new two", "old three"]);
    // The held list itself is not modified.
    expect(held.map((m) => m.body)).toEqual(["old one", "old two", "old three"]);
  });

  it("returns the very same array when nothing comes in (no re-render for an empty poll)", () => {
    const held = run(1, 4);
    expect(mergeMessages(held, [])).toBe(held);
  });

  it("returns a new array, not the held one, when something comes in", () => {
    const held = run(1, 2);
    const merged = mergeMessages(held, [msg(3)]);
    expect(merged).not.toBe(held);
    expect(seqs(held)).toEqual([1, 2]);
  });

  it("takes the incoming list when nothing is held", () => {
    expect(seqs(mergeMessages([], run(1, 3)))).toEqual([1, 2, 3]);
    expect(mergeMessages([], [])).toEqual([]);
  });

  it("drops a duplicate inside the incoming list itself", () => {
    const merged = mergeMessages([], [msg(1, "a"), msg(2), msg(1, "b")]);
    expect(seqs(merged)).toEqual([1, 2]);
    expect(merged[0]!.body).toBe("b");
  });
});

describe("pollCursor", () => {
  it("is 0 for an empty thread, so the poll asks for everything", () => {
    expect(pollCursor([])).toBe(0);
  });

  it("is the last sequence number of a contiguous run", () => {
    expect(pollCursor(run(1, 1))).toBe(1);
    expect(pollCursor(run(1, 7))).toBe(7);
  });

  it("stops before a hole, so the missed message is fetched again", () => {
    expect(pollCursor([msg(1), msg(2), msg(3), msg(5), msg(6)])).toBe(3);
    expect(pollCursor([msg(1), msg(3)])).toBe(1);
  });

  it("stops at the first hole when there are several", () => {
    expect(pollCursor([msg(1), msg(2), msg(4), msg(5), msg(7)])).toBe(2);
  });

  it("starts from the first message held, not from 1 (a thread opened on its newest 50)", () => {
    expect(pollCursor(run(51, 100))).toBe(100);
    expect(pollCursor([msg(51)])).toBe(51);
    expect(pollCursor([...run(51, 60), msg(62)])).toBe(60);
  });

  it("moves on once the hole is filled by a merge", () => {
    const held = [msg(1), msg(2), msg(4)];
    expect(pollCursor(held)).toBe(2);
    expect(pollCursor(mergeMessages(held, [msg(3), msg(4), msg(5)]))).toBe(5);
  });
});

describe("deliveryState", () => {
  it("is read once the other member's cursor has reached the message", () => {
    expect(deliveryState(msg(5), 5)).toBe("read");
    expect(deliveryState(msg(5), 9)).toBe("read");
  });

  it("is sent while the other member's cursor is before the message", () => {
    expect(deliveryState(msg(5), 4)).toBe("sent");
    expect(deliveryState(msg(1), 0)).toBe("sent");
  });
});

describe("threadHolds", () => {
  const thread = (...seqs: number[]) => ({ messages: seqs.map((seq) => ({ seq })) });
  it("is true for a message within the unbroken run held, so a live event for it fetches nothing", () => {
    expect(threadHolds(thread(50, 51, 52), 52)).toBe(true);
    expect(threadHolds(thread(50, 51, 52), 40)).toBe(true);
  });
  it("is false past the run, past a hole, for an empty thread, and for a thread not open", () => {
    expect(threadHolds(thread(50, 51, 52), 53)).toBe(false);
    expect(threadHolds(thread(50, 51, 53), 53)).toBe(false);
    expect(threadHolds(thread(), 1)).toBe(false);
    expect(threadHolds(undefined, 1)).toBe(false);
  });
});
