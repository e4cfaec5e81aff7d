import { describe, expect, it } from "vitest";
import { markReadSchema, messageBodySchema, sendMessageSchema, threadQuerySchema } from "./chat";

const ROOM_ID = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const CLIENT_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

const EMPTY = "Write a message first.";
const TOO_LONG = "A message has at most 2000 characters.";
const NO_ROOM = "That conversation was not found.";
const NO_CLIENT_ID = "This message has no valid id. Reload the page and try again.";

/** The first message zod gives for each field path, joined by dots ("" for the object itself). */
function errorsOf(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}): Record<string, string> {
  expect(result.success).toBe(false);
  const out: Record<string, string> = {};
  for (const issue of result.error!.issues) out[issue.path.map(String).join(".")] ??= issue.message;
  return out;
}

const send = (body: unknown, extra: Record<string, unknown> = {}) =>
  sendMessageSchema.safeParse({ roomId: ROOM_ID, clientId: CLIENT_ID, body, ...extra });
const bodyOf = (body: string) => sendMessageSchema.parse({ roomId: ROOM_ID, clientId: CLIENT_ID, body }).body;

describe("sendMessageSchema: the body", () => {
  it("accepts a valid message and keeps the ids", () => {
    expect(sendMessageSchema.parse({ roomId: ROOM_ID, clientId: CLIENT_ID, body: "Hello, doctor." })).toEqual({
      roomId: ROOM_ID,
      clientId: CLIENT_ID,
      body: "Hello, doctor.",
    });
  });

  it("trims surrounding spaces, tabs and line breaks", () => {
    expect(bodyOf("  \n\t Hello there \t\r\n ")).toBe("Hello there");
  });

  it.each(["", " ", "   \t  ", "\n\n\r\n", " \u00a0\u3000 ", "\u0000\u0001\u007f", " \u0007 \n "])(
    "refuses the empty or whitespace-only body %j",
    (body) => {
      expect(errorsOf(send(body))).toEqual({ body: EMPTY });
    },
  );

  it("refuses a missing or non-string body with the same message", () => {
    expect(errorsOf(sendMessageSchema.safeParse({ roomId: ROOM_ID, clientId: CLIENT_ID }))).toEqual({ body: EMPTY });
    // Only invisible characters: zero-width space, direction marks, word joiner.
    expect(errorsOf(send("\u200B\u200E\u200F\u2060"))).toEqual({ body: EMPTY });
    expect(errorsOf(send(42))).toEqual({ body: EMPTY });
    expect(errorsOf(send(null))).toEqual({ body: EMPTY });
    expect(errorsOf(send(["hi"]))).toEqual({ body: EMPTY });
  });

  it("accepts exactly 2000 characters", () => {
    const body = "x".repeat(2000);
    expect(bodyOf(body)).toBe(body);
  });

  it("refuses 2001 characters", () => {
    expect(errorsOf(send("x".repeat(2001)))).toEqual({ body: TOO_LONG });
  });

  it("counts characters as the database does (code points, not UTF-16 units)", () => {
    const body = "😀".repeat(2000); // 4000 UTF-16 units, 2000 characters for char_length()
    expect(bodyOf(body)).toBe(body);
    expect(errorsOf(send("😀".repeat(2001)))).toEqual({ body: TOO_LONG });
  });

  it("measures the length after trimming: 2000 characters with padding are accepted", () => {
    const body = "y".repeat(2000);
    expect(bodyOf(`   ${body}\n\n  `)).toBe(body);
  });

  it("refuses an 8 MB body quickly, without trying to process it", () => {
    const huge = "a".repeat(8 * 1024 * 1024);
    const started = performance.now();
    const result = send(huge);
    const elapsed = performance.now() - started;
    expect(errorsOf(result)).toEqual({ body: TOO_LONG });
    expect(elapsed).toBeLessThan(1000);
  });

  it("refuses an 8 MB body of spaces and control characters too", () => {
    const started = performance.now();
    const result = send(" \u0001".repeat(4 * 1024 * 1024));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.success).toBe(false);
  });

  it("strips control characters but keeps line breaks and tabs inside the text", () => {
    expect(bodyOf("a\u0000b\u0007c\u0008d\u000be\u000cf\u001bg\u001fh\u007fi")).toBe("abcdefghi");
    expect(bodyOf("line one\nline two\r\nline\tthree")).toBe("line one\nline two\r\nline\tthree");
    expect(bodyOf("Dose:\n\t- 5 mg\n\t- 10 mg")).toBe("Dose:\n\t- 5 mg\n\t- 10 mg");
  });

  it("counts the length after stripping control characters", () => {
    const body = "z".repeat(2000);
    expect(bodyOf(`${body}\u0000`)).toBe(body);
    expect(errorsOf(send(`${body}\u0001z`))).toEqual({ body: TOO_LONG });
  });

  it.each([
    ["emoji", "Thank you 🙏 see you soon 👩‍⚕️👨‍👩‍👧"],
    ["right-to-left", "مرحبا، أشعر بألم في صدري"],
    ["Hebrew with a direction mark", "שלום\u200f עולם"],
    ["combining marks", "Jose\u0301 Zoe\u0308 a\u0300\u0301\u0302\u0303"],
    ["CJK", "胸が痛いです。"],
  ])("keeps %s intact", (_label, body) => {
    const parsed = bodyOf(body);
    expect(parsed).toBe(body);
    // Not normalised either: the combining sequences stay as written.
    expect([...parsed]).toEqual([...body]);
  });

  it("keeps markup as plain text (escaping is the UI's job)", () => {
    expect(bodyOf("<img src=x onerror=alert(1)>")).toBe("<img src=x onerror=alert(1)>");
    expect(bodyOf("<script>alert('x')</script> & \"quotes\"")).toBe("<script>alert('x')</script> & \"quotes\"");
  });

  it("exposes the same rules as messageBodySchema on its own", () => {
    expect(messageBodySchema.parse("  hi  ")).toBe("hi");
    expect(messageBodySchema.safeParse("   ").success).toBe(false);
  });
});

describe("sendMessageSchema: the ids", () => {
  it.each([
    "not-a-uuid",
    "",
    "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6",
    "3f2a9c1e5b7d4e8f9a0b1c2d3e4f5a6b",
    `${ROOM_ID} `,
    "'; drop table messages; --",
    "../../etc/passwd",
  ])("refuses the malformed room id %j as not found", (roomId) => {
    expect(errorsOf(send("hello", { roomId }))).toEqual({ roomId: NO_ROOM });
  });

  it("refuses a missing or non-string room id", () => {
    expect(errorsOf(sendMessageSchema.safeParse({ clientId: CLIENT_ID, body: "hello" }))).toEqual({ roomId: NO_ROOM });
    expect(errorsOf(send("hello", { roomId: 12345 }))).toEqual({ roomId: NO_ROOM });
  });

  it.each([
    "",
    "abc",
    "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5",
    "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5dd",
    "{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}",
  ])("refuses the malformed client id %j", (clientId) => {
    expect(errorsOf(send("hello", { clientId }))).toEqual({ clientId: NO_CLIENT_ID });
  });

  it("refuses a missing client id", () => {
    expect(errorsOf(sendMessageSchema.safeParse({ roomId: ROOM_ID, body: "hello" }))).toEqual({
      clientId: NO_CLIENT_ID,
    });
  });

  it("accepts an id from crypto.randomUUID()", () => {
    const clientId = crypto.randomUUID();
    expect(sendMessageSchema.parse({ roomId: crypto.randomUUID(), clientId, body: "hi" }).clientId).toBe(clientId);
  });

  it("reports every bad field at once", () => {
    expect(errorsOf(sendMessageSchema.safeParse({ roomId: "x", clientId: "y", body: "  " }))).toEqual({
      roomId: NO_ROOM,
      clientId: NO_CLIENT_ID,
      body: EMPTY,
    });
  });
});

describe("markReadSchema", () => {
  it("accepts a whole number", () => {
    expect(markReadSchema.parse({ roomId: ROOM_ID, seq: 0 })).toEqual({ roomId: ROOM_ID, seq: 0 });
    expect(markReadSchema.parse({ roomId: ROOM_ID, seq: 42 }).seq).toBe(42);
    expect(markReadSchema.parse({ roomId: ROOM_ID, seq: 2_147_483_647 }).seq).toBe(2_147_483_647);
  });

  // It reads a JSON body, where a number is a number: coercing would read null (what JSON makes of
  // NaN) as 0 and "17" as 17.
  it.each(["17", null, true, ""])("refuses %j, which is not a JSON number", (seq) => {
    expect(errorsOf(markReadSchema.safeParse({ roomId: ROOM_ID, seq }))).toEqual({ seq: "Use a whole number." });
  });

  it.each([-1, -100])("refuses the negative sequence number %j", (seq) => {
    expect(Object.keys(errorsOf(markReadSchema.safeParse({ roomId: ROOM_ID, seq })))).toEqual(["seq"]);
  });

  it.each([1.5, 0.1])("refuses the non-integer %j", (seq) => {
    expect(errorsOf(markReadSchema.safeParse({ roomId: ROOM_ID, seq }))).toEqual({ seq: "Use a whole number." });
  });

  it.each([2_147_483_648, 1e12, Number.MAX_SAFE_INTEGER, "99999999999999999999", Infinity])(
    "refuses the huge %j (beyond a database integer)",
    (seq) => {
      expect(Object.keys(errorsOf(markReadSchema.safeParse({ roomId: ROOM_ID, seq })))).toEqual(["seq"]);
    },
  );

  it.each(["abc", "1a", NaN, {}])("refuses the non-number %j", (seq) => {
    expect(Object.keys(errorsOf(markReadSchema.safeParse({ roomId: ROOM_ID, seq })))).toEqual(["seq"]);
  });

  it("refuses a malformed room id", () => {
    expect(errorsOf(markReadSchema.safeParse({ roomId: "nope", seq: 3 }))).toEqual({ roomId: NO_ROOM });
  });
});

describe("threadQuerySchema", () => {
  it("accepts no parameters (the newest page)", () => {
    expect(threadQuerySchema.parse({})).toEqual({});
  });

  it("coerces the query strings to numbers", () => {
    expect(threadQuerySchema.parse({ after: "0" })).toEqual({ after: 0 });
    expect(threadQuerySchema.parse({ after: "120" })).toEqual({ after: 120 });
    expect(threadQuerySchema.parse({ before: "51" })).toEqual({ before: 51 });
  });

  it("refuses after and before together", () => {
    const errors = errorsOf(threadQuerySchema.safeParse({ after: "10", before: "20" }));
    expect(Object.values(errors)).toEqual(["Ask for messages after or before a point, not both."]);
  });

  it("refuses before=0: there is nothing before the first message", () => {
    expect(Object.keys(errorsOf(threadQuerySchema.safeParse({ before: "0" })))).toEqual(["before"]);
  });

  it.each([
    { after: "abc" },
    { after: "-1" },
    { after: "1.5" },
    { after: "1; drop table messages" },
    { after: "99999999999" },
    { before: "xyz" },
    { before: "-3" },
    { before: "2.5" },
    { before: "1e100" },
  ])("refuses the garbage query %j", (query) => {
    const errors = errorsOf(threadQuerySchema.safeParse(query));
    expect(Object.keys(errors)).toEqual(Object.keys(query));
  });

  it("ignores unknown parameters", () => {
    expect(threadQuerySchema.parse({ after: "3", page: "2", foo: "bar" })).toEqual({ after: 3 });
  });
});
