import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { emailSchema, loginSchema, nameSchema, newPasswordSchema, registerSchema } from "./auth";
import { fieldErrorsOf } from "@/lib/schemas/form";

/** The messages a user would see for each field of a refused form. */
function errorsOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return fieldErrorsOf(result.error);
}

/** The first message of a refused single value. */
function messageOf(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues[0]!.message;
}

const GOOD_PASSWORD = "correct horse battery";

describe("emailSchema", () => {
  it("trims and lowercases", () => {
    expect(emailSchema.parse("  Carol.Anderson@Example.COM \n")).toBe("carol.anderson@example.com");
  });

  it("asks for an address when missing or blank", () => {
    expect(messageOf(emailSchema, undefined)).toBe("Enter your email address.");
    expect(messageOf(emailSchema, "")).toBe("Enter your email address.");
    expect(messageOf(emailSchema, "    ")).toBe("Enter your email address.");
  });

  it.each(["carol", "carol@", "@example.com", "carol@example", "carol example@example.com", "carol@@example.com"])(
    "refuses the malformed address %j",
    (input) => {
      expect(messageOf(emailSchema, input)).toBe("Enter a valid email address, like name@example.com.");
    },
  );

  it("accepts 254 characters and refuses 255", () => {
    const domain = "@example.com";
    const at254 = `${"a".repeat(64)}.${"b".repeat(254 - 65 - domain.length)}${domain}`;
    expect(at254).toHaveLength(254);
    expect(emailSchema.parse(at254)).toBe(at254);
    const at255 = `${"a".repeat(255 - domain.length)}${domain}`;
    expect(at255).toHaveLength(255);
    expect(messageOf(emailSchema, at255)).toBe("An email address has at most 254 characters.");
    expect(messageOf(emailSchema, `   ${"a".repeat(300)}@example.com`)).toBe(
      "An email address has at most 254 characters.",
    );
  });

  it("counts the length after trimming", () => {
    const address = `${"a".repeat(60)}@${"b".repeat(60)}.com`;
    const padded = `${" ".repeat(200)}${address}${" ".repeat(200)}`;
    expect(padded.length).toBeGreaterThan(254);
    expect(emailSchema.parse(padded)).toBe(address);
  });
});

describe("nameSchema", () => {
  it("trims", () => {
    expect(nameSchema.parse("  Carol Anderson\t ")).toBe("Carol Anderson");
  });

  it("turns line breaks into spaces and drops direction overrides that could disguise a name", () => {
    expect(nameSchema.parse("Carol\nAnderson")).toBe("Carol Anderson");
    expect(nameSchema.parse("Carol\t\t Anderson")).toBe("Carol Anderson");
    expect(nameSchema.parse("\u202Enosredna lorac")).toBe("nosredna lorac");
  });

  it("strips control characters", () => {
    expect(nameSchema.parse("Ca\u0000rol\u0007 An\u001bderson\u007f")).toBe("Carol Anderson");
  });

  it("refuses a whitespace-only name, and one made only of control characters", () => {
    expect(messageOf(nameSchema, "   \t\n ")).toBe("Enter your name.");
    expect(messageOf(nameSchema, "\u0000\u0001\u001f")).toBe("Enter your name.");
    expect(messageOf(nameSchema, " \u0000 \u0008 ")).toBe("Enter your name.");
  });

  it("asks for a name when missing", () => {
    expect(messageOf(nameSchema, undefined)).toBe("Enter your name.");
    expect(messageOf(nameSchema, 42)).toBe("Enter your name.");
  });

  it("accepts 100 characters and refuses 101", () => {
    expect(nameSchema.parse("x".repeat(100))).toHaveLength(100);
    expect(messageOf(nameSchema, "x".repeat(101))).toBe("A name has at most 100 characters.");
  });

  it("measures the length after stripping and trimming", () => {
    expect(nameSchema.parse(`  ${"x".repeat(100)}\u0000\u0000  `)).toBe("x".repeat(100));
  });

  it("keeps letters from other scripts", () => {
    expect(nameSchema.parse("José Müller-Łukasz 山田")).toBe("José Müller-Łukasz 山田");
  });
});

describe("newPasswordSchema", () => {
  it("accepts 10 characters and refuses 9", () => {
    expect(newPasswordSchema.parse("0123456789")).toBe("0123456789");
    expect(messageOf(newPasswordSchema, "012345678")).toBe("Use at least 10 characters.");
  });

  it("accepts 200 characters and refuses 201", () => {
    expect(newPasswordSchema.parse("p".repeat(200))).toHaveLength(200);
    expect(messageOf(newPasswordSchema, "p".repeat(201))).toBe("Use at most 200 characters.");
  });

  it("asks for a password when missing", () => {
    expect(messageOf(newPasswordSchema, undefined)).toBe("Choose a password.");
  });

  it("does not trim: spaces are part of the password", () => {
    expect(newPasswordSchema.parse("  spaced out  ")).toBe("  spaced out  ");
  });
});

describe("loginSchema", () => {
  it("accepts a sign-in and normalises the email only", () => {
    expect(loginSchema.parse({ email: " Carol@Example.com ", password: " x " })).toEqual({
      email: "carol@example.com",
      password: " x ",
    });
  });

  it("keeps a callback URL", () => {
    expect(loginSchema.parse({ email: "a@b.co", password: "x", callbackUrl: "/patient?tab=1" }).callbackUrl).toBe(
      "/patient?tab=1",
    );
  });

  it("does not check password strength at sign-in", () => {
    expect(loginSchema.safeParse({ email: "a@b.co", password: "short" }).success).toBe(true);
  });

  it("names each missing field", () => {
    expect(errorsOf(loginSchema, {})).toEqual({
      email: ["Enter your email address."],
      password: ["Enter your password."],
    });
    expect(errorsOf(loginSchema, { email: "", password: "" })).toEqual({
      email: ["Enter your email address."],
      password: ["Enter your password."],
    });
  });

  it("refuses a malformed email", () => {
    expect(errorsOf(loginSchema, { email: "carol.example.com", password: "x" })).toEqual({
      email: ["Enter a valid email address, like name@example.com."],
    });
  });

  it("refuses an over-long password with the generic sign-in message", () => {
    expect(errorsOf(loginSchema, { email: "a@b.co", password: "p".repeat(201) })).toEqual({
      password: ["Email or password is incorrect."],
    });
    expect(loginSchema.safeParse({ email: "a@b.co", password: "p".repeat(200) }).success).toBe(true);
  });

  it("refuses an over-long callback URL", () => {
    const errors = errorsOf(loginSchema, { email: "a@b.co", password: "x", callbackUrl: `/${"a".repeat(2000)}` });
    expect(Object.keys(errors)).toEqual(["callbackUrl"]);
  });
});

describe("registerSchema", () => {
  it("accepts a registration and cleans it", () => {
    expect(
      registerSchema.parse({ name: "  Grace\u0000 Lee ", email: " GRACE@Example.com", password: GOOD_PASSWORD }),
    ).toEqual({
      name: "Grace Lee",
      email: "grace@example.com",
      password: GOOD_PASSWORD,
    });
  });

  it("names each missing field", () => {
    expect(errorsOf(registerSchema, {})).toEqual({
      name: ["Enter your name."],
      email: ["Enter your email address."],
      password: ["Choose a password."],
    });
  });

  it("reports every problem of a bad form at once", () => {
    expect(errorsOf(registerSchema, { name: "   ", email: "not-an-email", password: "short" })).toEqual({
      name: ["Enter your name."],
      email: ["Enter a valid email address, like name@example.com."],
      password: ["Use at least 10 characters."],
    });
  });

  it("refuses over-long values", () => {
    expect(
      errorsOf(registerSchema, {
        name: "n".repeat(101),
        email: `${"e".repeat(250)}@example.com`,
        password: "p".repeat(201),
      }),
    ).toEqual({
      name: ["A name has at most 100 characters."],
      email: ["An email address has at most 254 characters."],
      password: ["Use at most 200 characters."],
    });
  });

  it("drops unknown fields such as a role", () => {
    const parsed = registerSchema.parse({
      name: "Grace",
      email: "g@example.com",
      password: GOOD_PASSWORD,
      role: "admin",
    });
    expect(parsed).not.toHaveProperty("role");
  });
});
