import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "@/bench/free-port";
import { SERVING_MESSAGE } from "@/scripts/serving-signal";
import { killFixtures, startFixture, type Fixture } from "@/test/fixtures/child";
import { serverProcessCount } from "./server-processes";

/** Which process answered, on a connection of its own (so the cluster may pick another each time). */
function answeringPid(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve(Number(body)));
    });
    // A connection handed to a process that is stopping may never be answered.
    request.setTimeout(2_000, () => request.destroy(new Error("no answer within 2 s")));
    request.on("error", reject);
  });
}

/** The set of processes that answer, once `until` holds of it (polling new connections). */
async function answeringPids(
  port: number,
  until: (pids: Set<number>) => boolean,
  timeoutMs = 20_000,
): Promise<Set<number>> {
  const deadline = Date.now() + timeoutMs;
  let pids = new Set<number>();
  while (Date.now() < deadline) {
    pids = new Set<number>();
    for (let i = 0; i < 12; i++) {
      try {
        pids.add(await answeringPid(port));
      } catch {
        // a process is starting or stopping
      }
    }
    if (until(pids)) return pids;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`answering processes never matched; last seen: ${[...pids].join(", ")}`);
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let dir: string;
/** While this file exists, a starting process fails with the code it holds. */
let failFile: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "carebridge-processes-"));
  failFile = path.join(dir, "fail");
});
afterEach(async () => {
  await killFixtures();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function serve(processes: number): Promise<{ fixture: Fixture; port: number }> {
  const port = await freePort();
  const fixture = startFixture("serve-processes.ts", [String(port), String(processes)], {
    FAKE_NEXT_SERVING_MESSAGE: JSON.stringify(SERVING_MESSAGE),
    FAKE_NEXT_FAIL_FILE: failFile,
  });
  return { fixture, port };
}

describe("npm start with several server processes", () => {
  it("shares one port among them", async () => {
    const { fixture, port } = await serve(2);
    await fixture.waitFor("Starting 2 server processes");
    const pids = await answeringPids(port, (p) => p.size === 2);
    expect([...pids].every((pid) => pid !== fixture.pid)).toBe(true);
  });

  it("replaces a process that stops after it served, and keeps serving", async () => {
    const { fixture, port } = await serve(2);
    const first = await answeringPids(port, (p) => p.size === 2);
    const [victim] = [...first];
    process.kill(victim!, "SIGKILL");
    await fixture.waitFor(`Server process ${victim} stopped (SIGKILL); starting another.`);
    const after = await answeringPids(port, (p) => p.size === 2 && !p.has(victim!));
    expect([...after].filter((pid) => first.has(pid))).toHaveLength(1);
    expect(fixture.proc.exitCode).toBeNull();
  });

  it("keeps serving and tries again while a replacement cannot start, until one can", async () => {
    const { fixture, port } = await serve(2);
    const first = await answeringPids(port, (p) => p.size === 2);
    const [victim, survivor] = [...first];
    fs.writeFileSync(failFile, "1");
    process.kill(victim!, "SIGKILL");
    await fixture.waitFor("could not start (exit code 1); trying again in 1 s.");
    // Meanwhile the other process answers everything.
    expect(await answeringPids(port, (p) => p.size === 1)).toEqual(new Set([survivor]));
    fs.rmSync(failFile);
    const after = await answeringPids(port, (p) => p.size === 2 && p.has(survivor!) && !p.has(victim!));
    expect(after.size).toBe(2);
    expect(fixture.proc.exitCode).toBeNull();
  });

  it("stops every process, with its exit code, when the first start fails", async () => {
    fs.writeFileSync(failFile, "3");
    const { fixture } = await serve(3);
    await fixture.waitFor("cannot start");
    expect(await fixture.exited).toEqual({ code: 3, signal: null });
    expect(fixture.output()).not.toContain("starting another");
    expect(fixture.output()).not.toContain("trying again");
  });

  it("passes SIGTERM to every process and exits 143 once all have stopped", async () => {
    const { fixture, port } = await serve(2);
    const pids = await answeringPids(port, (p) => p.size === 2);
    fixture.proc.kill("SIGTERM");
    expect(await fixture.exited).toEqual({ code: 143, signal: null });
    expect([...pids].filter(isRunning)).toEqual([]);
  });

  it("takes a stop signal that reached one process first as a stop of all, not a crash", async () => {
    const { fixture, port } = await serve(2);
    const pids = [...(await answeringPids(port, (p) => p.size === 2))];
    process.kill(pids[0]!, "SIGINT");
    expect(await fixture.exited).toEqual({ code: 130, signal: null });
    expect(fixture.output()).not.toContain("starting another");
    expect(pids.filter(isRunning)).toEqual([]);
  });
});

describe("serverProcessCount (WEB_CONCURRENCY)", () => {
  const server = "postgres://app@127.0.0.1:5432/carebridge";

  it("is one by default, and what is asked on a PostgreSQL server", () => {
    expect(serverProcessCount({})).toEqual({ ok: true, processes: 1 });
    expect(serverProcessCount({ WEB_CONCURRENCY: " " })).toEqual({ ok: true, processes: 1 });
    expect(serverProcessCount({ WEB_CONCURRENCY: "4", DATABASE_URL: server })).toEqual({ ok: true, processes: 4 });
    expect(serverProcessCount({ WEB_CONCURRENCY: "1" })).toEqual({ ok: true, processes: 1 });
  });

  it("refuses several processes on the embedded database, and nonsense", () => {
    expect(serverProcessCount({ WEB_CONCURRENCY: "2" })).toEqual({
      ok: false,
      message: expect.stringMatching(/^WEB_CONCURRENCY above 1 needs DATABASE_URL/),
    });
    for (const bad of ["0", "1.5", "many", "1025", "-2"]) {
      expect(serverProcessCount({ WEB_CONCURRENCY: bad, DATABASE_URL: server })).toEqual({
        ok: false,
        message: expect.stringMatching(/^WEB_CONCURRENCY must be/),
      });
    }
  });
});
