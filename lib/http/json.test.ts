import { describe, expect, it } from "vitest";
import { COMPRESS_FROM_BYTES, json, jsonError, jsonResponse } from "./json";

describe("JSON answers", () => {
  it("are never cached, and a small one asks to be left uncompressed", async () => {
    const answer = json({ messages: [{ seq: 1, body: "héllo" }], hasMore: false });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(await answer.json()).toEqual({ messages: [{ seq: 1, body: "héllo" }], hasMore: false });
  });

  it("leave one of the threshold's size or more to the compression middleware, counting bytes, not characters", async () => {
    // 400 three-byte characters: under the threshold in characters, over it in bytes.
    const wide = "€".repeat(400);
    expect(JSON.stringify({ b: wide }).length).toBeLessThan(COMPRESS_FROM_BYTES);
    const answer = jsonResponse({ b: wide }, { status: 201 });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect((await answer.json()).b).toBe(wide);
  });

  it("carry errors as { error }", async () => {
    const answer = jsonError(422, "The message is too long.");
    expect(answer.status).toBe(422);
    expect(await answer.json()).toEqual({ error: "The message is too long." });
  });
});
