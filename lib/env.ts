import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional(),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters (try: openssl rand -base64 33)").optional(),
  CAREBRIDGE_DATA_DIR: z.string().min(1).default(".data"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  name = "EnvError";
}

function blankToUndefined(value: string | undefined) {
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function readEnv(source: Readonly<Record<string, string | undefined>> = process.env): Env {
  const parsed = envSchema.safeParse({
    DATABASE_URL: blankToUndefined(source.DATABASE_URL),
    AUTH_SECRET: blankToUndefined(source.AUTH_SECRET),
    CAREBRIDGE_DATA_DIR: blankToUndefined(source.CAREBRIDGE_DATA_DIR),
    NODE_ENV: source.NODE_ENV,
  });
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  }
  if (parsed.data.DATABASE_URL && !parsed.data.AUTH_SECRET) {
    throw new EnvError(
      "AUTH_SECRET is required when DATABASE_URL is set. Generate one with: openssl rand -base64 33",
    );
  }
  return parsed.data;
}

export function dataDir(env: Env = readEnv()): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.CAREBRIDGE_DATA_DIR);
}

/**
 * The secret that signs session cookies. With a PostgreSQL server it must be given; the
 * embedded default makes one on first start and keeps it in the data folder.
 */
export function authSecret(env: Env = readEnv()): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  const file = path.join(dataDir(env), "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(33).toString("base64"), { flag: "wx", mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return fs.readFileSync(file, "utf8").trim();
  }
}
