import { describe, expect, it } from "vitest";
import { temporaryPasswordSchema } from "./admin";

const messagesFor = (p: string) => (temporaryPasswordSchema.safeParse(p).error?.issues ?? []).map((i) => i.message);

describe("temporaryPasswordSchema", () => {
  it.each(["password123", "Password1!", "qwerty12345", "letmein2024", "carebridge1", "Welcome2026!", "1234567890ab"])(
    "refuses the common %j",
    (p) => {
      expect(temporaryPasswordSchema.safeParse(p).success).toBe(false);
    },
  );

  it("says why a common one is refused", () => {
    expect(messagesFor("Password1!")).toContain("Too common: choose something hard to guess.");
  });

  it("refuses short, single-kind and repetitive ones with their reasons", () => {
    expect(messagesFor("Ab1!")).toContain("Use at least 10 characters.");
    expect(messagesFor("abcdefghijkl")).toContain("Mix letters with digits or symbols.");
    expect(messagesFor("ab1ab1ab1ab1")).toContain("Use more different characters.");
  });

  it("accepts a mixed, uncommon one", () => {
    expect(temporaryPasswordSchema.parse("Temp-pass-4821")).toBe("Temp-pass-4821");
    expect(temporaryPasswordSchema.parse("river7-Lantern")).toBe("river7-Lantern");
  });
});
