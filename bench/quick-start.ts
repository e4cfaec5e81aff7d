/**
 * The Quick start as a newcomer meets it (a fresh `git clone`, then `npm start`, which builds and
 * serves on an empty embedded database, to the first page), and the JavaScript Chromium really
 * downloads on a first visit of /chat/[roomId] (its own network log, through Playwright).
 */
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { openPostgres } from "@/db/client";
import { CHROMIUM_ARGS } from "@/test/chromium";
import type { benchPeople } from "./dataset";
import { freePort } from "./free-port";
import { appDir, stopProcess, waitForOk } from "./http";
import { machineLoad, machineSnapshot } from "./machine";
import { sessionCookie, startApp } from "./server";

export interface QuickStart {
  /** From `git clone` to the first page served, install excluded. */
  ms: number;
  cloneMs: number;
  machine: string;
}

/**
 * Clones the repository's committed HEAD into a scratch folder (through git's transport, as from
 * a remote, not a hard-linked local copy), links node_modules in (the install is not timed), and
 * runs `npm start` there on an empty data folder until `/` answers.
 */
export async function timeQuickStart(): Promise<QuickStart> {
  const dir = appDir();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-quickstart-"));
  const clone = path.join(scratch, "carebridge");
  const dataDir = path.join(scratch, "data");
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CAREBRIDGE_DATA_DIR: dataDir,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  const machineBefore = machineSnapshot();
  let timed = 0;
  const started = Date.now();
  execFileSync("git", ["clone", "--quiet", "--no-local", dir, clone], { stdio: ["ignore", "ignore", "inherit"] });
  const cloneMs = Date.now() - started;
  // The install is excluded: the repository's own node_modules, hard-linked (untimed).
  const linkStarted = Date.now();
  execFileSync("cp", ["-al", path.join(dir, "node_modules"), path.join(clone, "node_modules")]);
  timed -= Date.now() - linkStarted;
  const child = spawn("npm", ["start"], { cwd: clone, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
  try {
    await waitForOk(`http://127.0.0.1:${port}/`, 600_000, child);
    timed += Date.now() - started;
    return { ms: timed, cloneMs, machine: machineLoad(machineBefore).line };
  } finally {
    await stopProcess(child);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export interface FirstLoadJs {
  files: number;
  /** Bytes on the wire (compressed bodies and their headers), as Chromium reports them. */
  transferBytes: number;
  /** The scripts' decoded sizes. */
  bodyBytes: number;
  encoding: string;
  scripts: { url: string; transferBytes: number }[];
  /**
   * Scripts asked for after the page's load event, not counted above: Next prefetching the routes
   * of links in view, and code loaded on demand. Whether a prefetch starts before the network
   * goes idle varies from run to run (one route's 7 kB chunk came in one load of three).
   */
  later: { url: string; transferBytes: number }[];
  machine: string;
}

/**
 * Opens /chat/[roomId] for a patient of the bench data set in Chromium (the launch options of
 * STACK.md) with an empty cache, and adds up every script it asks for before its load event; those
 * asked for later, until the network is idle, are listed apart.
 */
export async function chatPageFirstLoadJs(input: {
  databaseUrl: string;
  people: ReturnType<typeof benchPeople>;
}): Promise<FirstLoadJs> {
  const secret = crypto.randomBytes(33).toString("base64");
  const patient = input.people.patient(1001);
  const db = openPostgres(input.databaseUrl, { max: 1 });
  let roomId: string;
  try {
    const [row] = await db.sql!<
      { room_id: string }[]
    >`select room_id from room_members where user_id = ${patient} limit 1`;
    if (!row) throw new Error("the bench patient has no room");
    roomId = row.room_id;
  } finally {
    await db.close();
  }
  const cookie = await sessionCookie(secret, input.databaseUrl, { id: patient, role: "patient" });
  const server = await startApp({ databaseUrl: input.databaseUrl, secret });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const machineBefore = machineSnapshot();
  try {
    const context = await browser.newContext();
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name: name!, value: value.join("="), domain: "127.0.0.1", path: "/" }]);
    const page = await context.newPage();
    const scripts: { url: string; transferBytes: number; bodyBytes: number; encoding: string }[] = [];
    const later: { url: string; transferBytes: number }[] = [];
    const pending: Promise<void>[] = [];
    const failures: string[] = [];
    let loaded = false;
    const askedAfterLoad = new WeakSet<object>();
    page.once("load", () => (loaded = true));
    page.on("request", (request) => {
      if (loaded) askedAfterLoad.add(request);
    });
    page.on("requestfinished", (request) => {
      if (request.resourceType() !== "script") return;
      if (askedAfterLoad.has(request)) {
        pending.push(
          request.sizes().then(
            (sizes) =>
              void later.push({
                url: new URL(request.url()).pathname,
                transferBytes: sizes.responseBodySize + sizes.responseHeadersSize,
              }),
            (error: unknown) => void failures.push(`${request.url()}: ${String(error)}`),
          ),
        );
        return;
      }
      pending.push(
        (async () => {
          try {
            const sizes = await request.sizes();
            const response = await request.response();
            const body = await response?.body();
            scripts.push({
              url: request.url(),
              transferBytes: sizes.responseBodySize + sizes.responseHeadersSize,
              bodyBytes: body?.length ?? 0,
              encoding: response?.headers()["content-encoding"] ?? "identity",
            });
          } catch (error) {
            failures.push(`${request.url()}: ${String(error)}`);
          }
        })(),
      );
    });
    const response = await page.goto(`${server.origin}/chat/${roomId}`, { waitUntil: "networkidle" });
    if (!response?.ok() || !page.url().includes(`/chat/${roomId}`))
      throw new Error(`/chat/${roomId} answered ${response?.status()} at ${page.url()}`);
    // Everything that finished, including what came while the first ones were read.
    for (let seen = -1; seen !== pending.length;) {
      seen = pending.length;
      await Promise.all(pending);
    }
    if (failures.length) throw new Error(`could not read every script: ${failures.join("; ")}`);
    return {
      files: scripts.length,
      transferBytes: scripts.reduce((n, s) => n + s.transferBytes, 0),
      bodyBytes: scripts.reduce((n, s) => n + s.bodyBytes, 0),
      encoding: [...new Set(scripts.map((s) => s.encoding))].join(", "),
      scripts: scripts.map(({ url, transferBytes }) => ({ url: new URL(url).pathname, transferBytes })),
      later,
      machine: machineLoad(machineBefore).line,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
