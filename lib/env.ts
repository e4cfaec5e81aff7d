import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { SEARCH_LANGUAGES } from "./shared/model";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional(),
  AUTH_SECRET: z
    .string()
    .min(32, "AUTH_SECRET must be at least 32 characters (try: openssl rand -base64 33)")
    .optional(),
  CAREBRIDGE_DATA_DIR: z.string().min(1).default(".data"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Sign-out after this many minutes without activity (a warning comes a minute before). */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int("SESSION_IDLE_MINUTES must be a whole number of minutes")
    .min(2)
    .max(24 * 60)
    .default(30),
  /**
   * Seconds a server process keeps a valid session's answer between requests, dropped at once when
   * the database announces a change to the account or its sessions (lib/auth/session-cache.ts);
   * 0: the session is read from the database on every request.
   */
  SESSION_CACHE_SECONDS: z.coerce
    .number()
    .int("SESSION_CACHE_SECONDS must be a whole number of seconds")
    .min(0)
    .max(300)
    .default(30),
  /** New patient accounts allowed per network address and hour. */
  REGISTRATIONS_PER_HOUR: z.coerce
    .number()
    .int("REGISTRATIONS_PER_HOUR must be a whole number")
    .min(1)
    .max(100_000)
    .default(10),
  /**
   * Connections each server process keeps to PostgreSQL. postgres.js pipelines queries on a busy
   * connection, so a few carry the load with fewer round trips than many (see bench/README.md).
   */
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int("DATABASE_POOL_SIZE must be a whole number of connections")
    .min(1)
    .max(100)
    .default(4),
  /** The address people use to reach the app, for links in emails (no trailing slash needed). */
  APP_URL: z.url({ protocol: /^https?$/, error: "APP_URL must be an http:// or https:// address" }).optional(),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** SMTP server for email, e.g. smtp://user:pass@mail.example.com:587; unset: .eml files in the outbox folder. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional(),
  /** Requests a patient may have waiting with one doctor, and in all (a flood of requests is refused). */
  PENDING_REQUESTS_PER_DOCTOR: z.coerce.number().int().min(1).max(1000).default(3),
  PENDING_REQUESTS_TOTAL: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Connections kept open to the SMTP server (each carries one email at a time). */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** The sender of every email. */
  MAIL_FROM: z.string().min(3).max(320).default("Carebridge <no-reply@carebridge.localhost>"),
  /** How long a message stays unread before its recipient is emailed (0: as soon as it is stored). */
  NOTIFY_UNREAD_AFTER_MINUTES: z.coerce
    .number()
    .int("NOTIFY_UNREAD_AFTER_MINUTES must be a whole number of minutes")
    .min(0)
    .max(1440)
    .default(5),
  /** After an email about a room, the next one waits until the person has read it or this long has passed. */
  NOTIFY_COOLDOWN_MINUTES: z.coerce
    .number()
    .int("NOTIFY_COOLDOWN_MINUTES must be a whole number of minutes")
    .min(0)
    .max(7 * 1440)
    .default(60),
  /** Whether this process works on background jobs (emails, reminders): 0 for web-only instances. */
  JOB_WORKERS: z.coerce.number().int().min(0).max(1).default(1),
  /**
   * How often (seconds) the job queue looks for jobs whose worker stopped answering (a crashed
   * process), to give them to another. Lower finds crashes sooner at the cost of a query each time.
   */
  JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  /** Attachments: files a message, MB a file, MB a message, MB a person may keep, uploads a minute. */
  /** The text-search configuration of message search: one of a fixed list, each with its index. */
  SEARCH_LANGUAGE: z
    .enum(SEARCH_LANGUAGES, { error: `SEARCH_LANGUAGE must be one of ${SEARCH_LANGUAGES.join(", ")}` })
    .default("simple"),
  ATTACHMENT_MAX_FILES: z.coerce.number().int().min(1).max(20).default(5),
  ATTACHMENT_MAX_FILE_MB: z.coerce.number().int().min(1).max(100).default(10),
  ATTACHMENT_MAX_MESSAGE_MB: z.coerce.number().int().min(1).max(500).default(25),
  ATTACHMENT_QUOTA_MB: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  ATTACHMENT_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  name = "EnvError";
}

function blankToUndefined(value: string | undefined) {
  return value === undefined || value.trim() === "" ? undefined : value;
}

const ENV_KEYS = Object.keys(envSchema.shape);

/**
 * The last answer read from process.env, with the raw values it came from: the proxy and the
 * session cookie ask on every request, and a parse costs about 20 µs (a tenth of a poll's CPU),
 * while comparing the values costs a fraction of that. Tests that change a variable get a new answer.
 */
let lastFromProcess: { raw: string; env: Env } | undefined;

export function readEnv(source: Readonly<Record<string, string | undefined>> = process.env): Env {
  if (source !== process.env) return parseEnv(source);
  // Variables cannot hold a NUL character, so joined on it the values are told apart.
  const raw = ENV_KEYS.map((key) => source[key] ?? "").join("\0");
  if (lastFromProcess?.raw === raw) return lastFromProcess.env;
  const env = parseEnv(source);
  lastFromProcess = { raw, env };
  return env;
}

function parseEnv(source: Readonly<Record<string, string | undefined>>): Env {
  const values = Object.fromEntries(ENV_KEYS.map((key) => [key, blankToUndefined(source[key])]));
  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  }
  if (parsed.data.DATABASE_URL && !parsed.data.AUTH_SECRET) {
    throw new EnvError("AUTH_SECRET is required when DATABASE_URL is set. Generate one with: openssl rand -base64 33");
  }
  return Object.freeze(parsed.data);
}

/** The app's own address for links in emails: APP_URL, or this machine on PORT. */
export function appUrl(env: Env = readEnv()): string {
  return (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

export function dataDir(env: Env = readEnv()): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.CAREBRIDGE_DATA_DIR);
}

const MIN_SECRET = 32;

/**
 * The secret that signs session cookies. With a PostgreSQL server it must be given; the
 * embedded default makes one on first start and keeps it in the data folder. It is written whole
 * (a private file renamed into place), and an empty or short file (a crash mid-write) is replaced.
 */
export function authSecret(env: Env = readEnv()): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  const file = path.join(dataDir(env), "auth-secret");
  const existing = readSecret(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}`;
  fs.writeFileSync(tmp, crypto.randomBytes(33).toString("base64"), { mode: 0o600 });
  try {
    // link fails if another process made one meanwhile: then theirs is the secret.
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (!readSecret(file)) fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const secret = readSecret(file);
  if (!secret) throw new EnvError(`Could not create a session secret in ${file}.`);
  return secret;
}

function readSecret(file: string): string | null {
  try {
    const value = fs.readFileSync(file, "utf8").trim();
    return value.length >= MIN_SECRET ? value : null;
  } catch {
    return null;
  }
}
