import { describe, expect, it } from "vitest";
import { TYPING } from "@/lib/shared/model";
import { clearTyping, noteTyping, subscribeTyping, typingAt, typingSender } from "./typing";

describe("typing in the browser", () => {
  it("sends the first keystroke of a burst at once and then at most once per throttle period, never for empty text", async () => {
    const posted: string[] = [];
    let clock = 1_000;
    const send = typingSender(
      "room 1",
      async (url) => posted.push(url),
      () => clock,
    );
    send("H");
    send("He");
    clock += TYPING.throttleMs - 1;
    send("Hel");
    expect(posted).toEqual(["/api/rooms/room%201/typing"]);
    clock += 1;
    send("Hell");
    send("   ");
    expect(posted).toHaveLength(2);
    clock += TYPING.throttleMs * 2;
    send("");
    expect(posted).toHaveLength(2);
  });

  it("a failed signal is swallowed", async () => {
    const send = typingSender(
      "r",
      () => Promise.reject(new Error("offline")),
      () => 0,
    );
    expect(() => send("x")).not.toThrow();
    await new Promise((r) => setTimeout(r, 0));
  });

  it("keeps when the other member last typed until their message arrives, telling subscribers each time", () => {
    let calls = 0;
    const off = subscribeTyping(() => calls++);
    noteTyping("room-a", 5_000);
    expect(typingAt("room-a")).toBe(5_000);
    expect(typingAt("room-b")).toBe(0);
    clearTyping("room-a");
    clearTyping("room-a");
    expect(typingAt("room-a")).toBe(0);
    expect(calls).toBe(2);
    off();
    noteTyping("room-a");
    expect(calls).toBe(2);
    clearTyping("room-a");
  });
});
