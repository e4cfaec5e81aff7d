import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password";

describe("passwords", () => {
  it("hashes with argon2id at the OWASP minimum cost, salted", async () => {
    const first = await hashPassword("correct horse battery");
    const second = await hashPassword("correct horse battery");
    expect(first.startsWith("$argon2id$")).toBe(true);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toContain("correct horse battery");
    // A fresh salt each time.
    expect(second).not.toBe(first);
  });

  it("verifies the right password and refuses others", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(await verifyPassword(hash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(hash, "correct horse batter")).toBe(false);
    expect(await verifyPassword(hash, "Correct horse battery")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it("handles passwords beyond ASCII", async () => {
    const hash = await hashPassword("pässwörd-山田-🔑");
    expect(await verifyPassword(hash, "pässwörd-山田-🔑")).toBe(true);
    expect(await verifyPassword(hash, "passwora-山田-🔑")).toBe(false);
  });

  it.each(["", "garbage", "$argon2id$v=19$m=19456,t=2,p=1$broken", "$2b$10$abcdefghijklmnopqrstuv"])(
    "answers false, not a throw, for the unusable hash %j",
    async (hash) => {
      await expect(verifyPassword(hash, "correct horse battery")).resolves.toBe(false);
    },
  );

  it("verifyAgainstDummy resolves false, even for the dummy's own password", async () => {
    await expect(verifyAgainstDummy("anything at all")).resolves.toBe(false);
    await expect(verifyAgainstDummy("carebridge-dummy-password")).resolves.toBe(false);
  });
});
