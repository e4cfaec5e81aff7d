import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "@/bench/http";
import { SERVING_MESSAGE } from "@/lib/serving-signal";
import { killFixtures, startFixture, type Fixture } from "@/test/fixtures/child";

/** Which process answered, on a connection of its own (so the cluster may pick another each time). */
function answeringPid(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve(Number(body)));
    });
    request.on("error", reject);
  });
}

/** The set of processes that answer, once `until` holds of it (polling new connections). */
async function answeringPids(port: number, until: (pids: Set<number>) => boolean, timeoutMs = 20_000): Promise<Set<number>> {
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

async function serve(processes: number, env: Record<string, string> = {}): Promise<{ fixture: Fixture; port: number }> {
  const port = await freePort();
  const fixture = startFixture("serve-processes.ts", [String(port), String(processes)], { FAKE_NEXT_SERVING_MESSAGE: JSON.stringify(SERVING_MESSAGE), ...env });
  return { fixture, port };
}

afterEach(killFixtures);

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

  it("stops every process, with its exit code, when one stops before it served", async () => {
    const { fixture } = await serve(3, { FAKE_NEXT_FAIL: "3" });
    expect(await fixture.exited).toEqual({ code: 3, signal: null });
    expect(fixture.output()).toContain("fake next: cannot start");
    expect(fixture.output()).not.toContain("starting another");
  });

  it("passes SIGTERM to every process and exits 143 once all have stopped", async () => {
    const { fixture, port } = await serve(2);
    const pids = await answeringPids(port, (p) => p.size === 2);
    fixture.proc.kill("SIGTERM");
    expect(await fixture.exited).toEqual({ code: 143, signal: null });
    expect([...pids].filter(isRunning)).toEqual([]);
  });
});
