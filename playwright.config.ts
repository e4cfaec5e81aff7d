import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS } from "./test/chromium";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3123);
export const BASE_URL = `http://localhost:${E2E_PORT}`;
// The e2e server's own embedded database, made fresh for each run.
export const E2E_DATA_DIR = ".data/e2e";

/** Debian's Chromium: the browser people use. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/**
 * Debian's old headless shell (package chromium-headless-shell), what Playwright itself runs for
 * headless tests: here each test took half to two thirds of its time in the full browser (a
 * phone dashboard 52 s → 22 s on a slow day). It lacks browser notifications, so the spec that
 * shows one runs in the full browser. Without the package, every spec does.
 */
const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
const needsFullBrowser = /notifications\.spec\.ts/;
const chromiumProject = (name: string, executablePath: string) => ({
  name,
  use: { ...devices["Desktop Chrome"], launchOptions: { executablePath, args: CHROMIUM_ARGS } },
});
const projects =
  !process.env.CHROMIUM_PATH && fs.existsSync(HEADLESS_SHELL)
    ? [
        { ...chromiumProject("chromium", HEADLESS_SHELL), testIgnore: needsFullBrowser },
        { ...chromiumProject("chromium-full", CHROMIUM), testMatch: needsFullBrowser },
      ]
    : [chromiumProject("chromium", CHROMIUM)];

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 120_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects,
  webServer: {
    // The same production start a person runs (npm start), on a fresh embedded database.
    command: `rm -rf ${E2E_DATA_DIR} && npm start`,
    // Every test registers its own patients from one address: far more than a person would.
    env: {
      PORT: String(E2E_PORT),
      CAREBRIDGE_DATA_DIR: E2E_DATA_DIR,
      DATABASE_URL: "",
      AUTH_SECRET: "",
      // No mail server: emails go to the outbox folder, where a journey finds them; and at once
      // rather than after five minutes.
      SMTP_URL: "",
      REGISTRATIONS_PER_HOUR: "10000",
      NOTIFY_UNREAD_AFTER_MINUTES: "0",
    },
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
