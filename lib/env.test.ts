import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appUrl, authSecret, dataDir, EnvError, readEnv as readEnvFrom } from "./env";

/** Variables as a shell would give them; NODE_ENV may well be missing. */
type Vars = Partial<Record<string, string>>;
const readEnv = (vars: Vars) => readEnvFrom(vars as NodeJS.ProcessEnv);

const SECRET = "s".repeat(32);
const URL_ = "postgres://app@127.0.0.1:5432/carebridge";

function envError(source: Vars): EnvError {
  try {
    readEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return error as EnvError;
  }
  throw new Error("expected readEnv to throw");
}

describe("readEnv", () => {
  it("defaults to the embedded database in .data", () => {
    const env = readEnv({});
    expect(env).toEqual({
      CAREBRIDGE_DATA_DIR: ".data",
      NODE_ENV: "development",
      SESSION_IDLE_MINUTES: 30,
      SESSION_CACHE_SECONDS: 30,
      REGISTRATIONS_PER_HOUR: 10,
      DATABASE_POOL_SIZE: 4,
      PORT: 3000,
      MAIL_FROM: "Carebridge <no-reply@carebridge.localhost>",
      SMTP_POOL_SIZE: 10,
      PENDING_REQUESTS_PER_DOCTOR: 3,
      PENDING_REQUESTS_TOTAL: 10,
      NOTIFY_UNREAD_AFTER_MINUTES: 5,
      NOTIFY_COOLDOWN_MINUTES: 60,
      JOB_WORKERS: 1,
      JOB_SUPERVISE_SECONDS: 15,
      SEARCH_LANGUAGE: "simple",
      ATTACHMENT_MAX_FILES: 5,
      ATTACHMENT_MAX_FILE_MB: 10,
      ATTACHMENT_MAX_MESSAGE_MB: 25,
      ATTACHMENT_QUOTA_MB: 1024,
      ATTACHMENT_UPLOADS_PER_MINUTE: 20,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.AUTH_SECRET).toBeUndefined();
  });

  it("accepts a server URL with a secret", () => {
    expect(readEnv({ DATABASE_URL: URL_, AUTH_SECRET: SECRET, NODE_ENV: "production" })).toMatchObject({
      DATABASE_URL: URL_,
      AUTH_SECRET: SECRET,
      NODE_ENV: "production",
    });
    expect(readEnv({ DATABASE_URL: "postgresql://h/db", AUTH_SECRET: SECRET }).DATABASE_URL).toBe("postgresql://h/db");
  });

  it("requires AUTH_SECRET when DATABASE_URL is set, and says how to make one", () => {
    const error = envError({ DATABASE_URL: URL_ });
    expect(error.message).toMatch(/AUTH_SECRET is required when DATABASE_URL is set/);
    expect(error.message).toMatch(/openssl rand/);
  });

  it("refuses a malformed DATABASE_URL", () => {
    for (const bad of ["mysql://h/db", "127.0.0.1:5432", "http://h/db", "postgres:/h/db"]) {
      const error = envError({ DATABASE_URL: bad, AUTH_SECRET: SECRET });
      expect(error.message).toContain("DATABASE_URL must start with postgres:// or postgresql://");
    }
  });

  it("refuses a short AUTH_SECRET, even without a server", () => {
    const error = envError({ AUTH_SECRET: "s".repeat(31) });
    expect(error.message).toMatch(/^AUTH_SECRET: AUTH_SECRET must be at least 32 characters/);
    expect(readEnv({ AUTH_SECRET: SECRET }).AUTH_SECRET).toBe(SECRET);
  });

  it("reports every bad variable at once", () => {
    const error = envError({ DATABASE_URL: "mysql://x", AUTH_SECRET: "short" });
    expect(error.message.split("\n")).toHaveLength(2);
    expect(error.message).toMatch(/DATABASE_URL/);
    expect(error.message).toMatch(/AUTH_SECRET/);
  });

  it("treats blank strings as unset", () => {
    expect(
      readEnv({
        DATABASE_URL: "",
        AUTH_SECRET: "  ",
        CAREBRIDGE_DATA_DIR: " ",
        SESSION_IDLE_MINUTES: "",
        SMTP_URL: " ",
      }),
    ).toEqual(readEnv({}));
    // A blank secret with a server is a missing secret, not a short one.
    expect(envError({ DATABASE_URL: URL_, AUTH_SECRET: "   " }).message).toMatch(/AUTH_SECRET is required/);
  });

  it("reads the mail settings and the notification delays, and refuses nonsense", () => {
    expect(
      readEnv({
        SMTP_URL: "smtp://u:p@mail.example.com:587",
        APP_URL: "https://portal.example.com/",
        NOTIFY_UNREAD_AFTER_MINUTES: "0",
      }),
    ).toMatchObject({ SMTP_URL: "smtp://u:p@mail.example.com:587", NOTIFY_UNREAD_AFTER_MINUTES: 0 });
    expect(appUrl(readEnv({ APP_URL: "https://portal.example.com/" }))).toBe("https://portal.example.com");
    expect(appUrl(readEnv({ PORT: "4000" }))).toBe("http://localhost:4000");
    expect(envError({ SMTP_URL: "http://mail.example.com" }).message).toContain("SMTP_URL must start with smtp://");
    expect(envError({ APP_URL: "ftp://x" }).message).toContain("APP_URL must be an http:// or https:// address");
    for (const bad of ["-1", "1441", "2.5", "soon"])
      expect(envError({ NOTIFY_UNREAD_AFTER_MINUTES: bad }).message).toContain("NOTIFY_UNREAD_AFTER_MINUTES");
  });

  it("reads the idle sign-out and registration limits, and refuses nonsense", () => {
    expect(readEnv({ SESSION_IDLE_MINUTES: "15", REGISTRATIONS_PER_HOUR: "500" })).toMatchObject({
      SESSION_IDLE_MINUTES: 15,
      REGISTRATIONS_PER_HOUR: 500,
    });
    expect(envError({ SESSION_IDLE_MINUTES: "1" }).message).toMatch(/^SESSION_IDLE_MINUTES:/);
    expect(envError({ SESSION_IDLE_MINUTES: "ten" }).message).toMatch(/^SESSION_IDLE_MINUTES:/);
    expect(envError({ REGISTRATIONS_PER_HOUR: "0" }).message).toMatch(/^REGISTRATIONS_PER_HOUR:/);
  });

  it("reads how long a session's answer is kept (0: never), and refuses nonsense", () => {
    expect(readEnv({ SESSION_CACHE_SECONDS: "0" }).SESSION_CACHE_SECONDS).toBe(0);
    expect(readEnv({ SESSION_CACHE_SECONDS: "300" }).SESSION_CACHE_SECONDS).toBe(300);
    for (const bad of ["-1", "301", "2.5", "forever"])
      expect(envError({ SESSION_CACHE_SECONDS: bad }).message).toMatch(/^SESSION_CACHE_SECONDS:/);
  });

  it("reads the connection pool size, and refuses nonsense", () => {
    expect(readEnv({ DATABASE_POOL_SIZE: "12" }).DATABASE_POOL_SIZE).toBe(12);
    for (const bad of ["0", "2.5", "lots", "101"])
      expect(envError({ DATABASE_POOL_SIZE: bad }).message).toMatch(/^DATABASE_POOL_SIZE:/);
  });

  it("refuses an unknown NODE_ENV", () => {
    expect(envError({ NODE_ENV: "staging" }).message).toMatch(/^NODE_ENV:/);
  });

  it("resolves the data folder from the working directory", () => {
    expect(dataDir(readEnv({ CAREBRIDGE_DATA_DIR: "var/db" }))).toBe(path.resolve(process.cwd(), "var/db"));
    expect(dataDir(readEnv({ CAREBRIDGE_DATA_DIR: "/srv/cb" }))).toBe("/srv/cb");
  });
});

describe("readEnv from process.env", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("answers again from the same values, and reads a changed variable at once", () => {
    vi.stubEnv("SESSION_IDLE_MINUTES", "45");
    const first = readEnvFrom();
    expect(first.SESSION_IDLE_MINUTES).toBe(45);
    expect(readEnvFrom()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    vi.stubEnv("SESSION_IDLE_MINUTES", "50");
    expect(readEnvFrom().SESSION_IDLE_MINUTES).toBe(50);
    vi.stubEnv("SESSION_IDLE_MINUTES", "1");
    expect(() => readEnvFrom()).toThrow(EnvError);
    vi.stubEnv("SESSION_IDLE_MINUTES", "45");
    expect(readEnvFrom().SESSION_IDLE_MINUTES).toBe(45);
  });
});

describe("authSecret", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-env-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("uses AUTH_SECRET when given and writes nothing", () => {
    const dataFolder = path.join(dir, "data");
    expect(authSecret(readEnv({ AUTH_SECRET: SECRET, CAREBRIDGE_DATA_DIR: dataFolder }))).toBe(SECRET);
    expect(fs.existsSync(dataFolder)).toBe(false);
  });

  it("generates a secret into a fresh data folder, private to the owner, and keeps it", () => {
    const dataFolder = path.join(dir, "nested", "data");
    const env = readEnv({ CAREBRIDGE_DATA_DIR: dataFolder });
    const first = authSecret(env);
    // 33 random bytes in base64.
    expect(first).toMatch(/^[A-Za-z0-9+/]{44}$/);
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dataFolder, "auth-secret");
    expect(fs.readFileSync(file, "utf8")).toBe(first);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(authSecret(env)).toBe(first);
    expect(authSecret(readEnv({ CAREBRIDGE_DATA_DIR: dataFolder }))).toBe(first);
    // A generated secret also satisfies the server-mode rule.
    expect(readEnv({ AUTH_SECRET: first }).AUTH_SECRET).toBe(first);
  });

  it("gives different folders different secrets", () => {
    const a = authSecret(readEnv({ CAREBRIDGE_DATA_DIR: path.join(dir, "a") }));
    const b = authSecret(readEnv({ CAREBRIDGE_DATA_DIR: path.join(dir, "b") }));
    expect(a).not.toBe(b);
  });

  it("reads back an existing secret file, trimmed", () => {
    fs.writeFileSync(path.join(dir, "auth-secret"), `${"k".repeat(40)}\n`);
    expect(authSecret(readEnv({ CAREBRIDGE_DATA_DIR: dir }))).toBe("k".repeat(40));
  });

  it("replaces an empty or short secret file (a crash mid-write) with a real secret", () => {
    const file = path.join(dir, "auth-secret");
    for (const broken of ["", "short"]) {
      fs.writeFileSync(file, broken);
      const secret = authSecret(readEnv({ CAREBRIDGE_DATA_DIR: dir }));
      expect(secret).toMatch(/^[A-Za-z0-9+/]{44}$/);
      expect(fs.readFileSync(file, "utf8")).toBe(secret);
    }
  });
});

describe("SEARCH_LANGUAGE", () => {
  it("is one of the configurations with an index, else a clear error", () => {
    expect(readEnv({ SEARCH_LANGUAGE: "english" }).SEARCH_LANGUAGE).toBe("english");
    expect(() => readEnv({ SEARCH_LANGUAGE: "klingon" })).toThrow(/SEARCH_LANGUAGE must be one of simple, english/);
    expect(() => readEnv({ SEARCH_LANGUAGE: "simple'; drop table messages; --" })).toThrow(/SEARCH_LANGUAGE/);
  });
});
