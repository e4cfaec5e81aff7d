/**
 * The first Quick start (`npm start` on an empty embedded database, to the first page served) and
 * the JavaScript a first visit of /chat/[roomId] downloads, from the build's manifests.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";
import { freePort } from "./free-port";
import { appDir, stopProcess, waitForOk } from "./http";

export async function timeQuickStart(): Promise<{ ms: number; built: boolean; dataDir: "empty" }> {
  const dir = appDir();
  const buildId = path.join(dir, ".next", "BUILD_ID");
  const builtBefore = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-quickstart-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CAREBRIDGE_DATA_DIR: dataDir,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  const started = Date.now();
  const child = spawn("npm", ["start"], { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
  try {
    await waitForOk(`http://127.0.0.1:${port}/`, 180_000, child);
    const ms = Date.now() - started;
    const builtAfter = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
    return { ms, built: builtAfter !== builtBefore, dataDir: "empty" };
  } finally {
    await stopProcess(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every script a first visit of the route loads: the root main files and the route's entries. */
export function chatPageFirstLoadJs(route = "/chat/[roomId]/page"): {
  files: number;
  bytes: number;
  gzipBytes: number;
} {
  const next = path.join(appDir(), ".next");
  const serverDir = path.join(next, "server", "app", ...route.split("/").filter(Boolean));
  const buildManifest = JSON.parse(fs.readFileSync(path.join(serverDir, "build-manifest.json"), "utf8")) as {
    rootMainFiles: string[];
  };
  const sandbox: { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  vm.runInNewContext(fs.readFileSync(`${serverDir}_client-reference-manifest.js`, "utf8"), { globalThis: sandbox });
  const entries = sandbox.__RSC_MANIFEST?.[route]?.entryJSFiles ?? {};
  const files = new Set([...buildManifest.rootMainFiles, ...Object.values(entries).flat()]);
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = fs.readFileSync(path.join(next, file));
    bytes += content.length;
    gzipBytes += zlib.gzipSync(content, { level: 9 }).length;
  }
  return { files: files.size, bytes, gzipBytes };
}
