import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openLoop } from "./open-loop";

let server: http.Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

/** A server on a free port answering with `handler`; its origin. */
async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe("the open-loop load generator", () => {
  it("starts every request on schedule and counts each one, with the paths and headers asked for", async () => {
    const seen: string[] = [];
    const origin = await serve((req, res) => {
      seen.push(`${req.url} ${req.headers.cookie}`);
      if (req.url === "/bad") res.statusCode = 500;
      res.end("ok");
    });
    const started = performance.now();
    const r = await openLoop({
      origin,
      rate: 200,
      seconds: 1,
      request: (i) => ({ path: i % 50 === 49 ? "/bad" : `/ok/${i}`, headers: { cookie: `n=${i}` } }),
    });
    // A steady schedule: 200 requests over one second, not all at once and not late.
    expect(performance.now() - started).toBeGreaterThan(950);
    expect(r.attempted).toBe(200);
    expect(seen).toHaveLength(200);
    expect(seen).toContain("/ok/7 n=7");
    // A 5xx is an answer but not a success.
    expect(r.ok).toBe(196);
    expect(r.statusCodes).toEqual({ "200": 196, "500": 4 });
    expect(r.errors).toBe(0);
    expect(r.p50Ms).toBeLessThan(50);
  });

  it("a stall shows in the latencies of the requests scheduled during it (no coordinated omission)", async () => {
    let stallUntil = 0;
    const origin = await serve((_req, res) => {
      const wait = Math.max(0, stallUntil - Date.now());
      setTimeout(() => res.end("ok"), wait);
    });
    // Every answer waits until 400 ms after the first request: the requests started meanwhile
    // are late by up to 400 ms, though none of them is slow once the server answers again.
    stallUntil = Date.now() + 400;
    const r = await openLoop({ origin, rate: 100, seconds: 1, request: () => ({ path: "/", headers: {} }) });
    expect(r.attempted).toBe(100);
    expect(r.ok).toBe(100);
    expect(r.p50Ms).toBeLessThan(100);
    expect(r.p99Ms).toBeGreaterThan(300);
  });

  it("a warm-up runs at the rate on the same connections: its requests and errors count, its latencies are apart", async () => {
    let stallUntil = 0;
    const origin = await serve((req, res) => {
      if (req.url === "/never") return;
      setTimeout(() => res.end("ok"), Math.max(0, stallUntil - Date.now()));
    });
    // The server stalls through the first 300 ms, all of it inside the 0.5 s warm-up.
    stallUntil = Date.now() + 300;
    const started = performance.now();
    const r = await openLoop({
      origin,
      rate: 100,
      seconds: 0.5,
      warmupSeconds: 0.5,
      request: (i) => ({ path: i === 2 ? "/never" : "/", headers: {} }),
      graceMs: 300,
    });
    expect(performance.now() - started).toBeGreaterThan(950);
    expect(r.attempted).toBe(100);
    expect(r.ok).toBe(99);
    expect(r.errors).toBe(1);
    expect(r.warmupP99Ms).toBeGreaterThan(200);
    expect(r.p99Ms).toBeLessThan(100);
    // The 50 measured answers only, over their half second and the grace the lost one was waited for.
    expect(r.answeredPerSecond).toBeGreaterThan(50);
    expect(r.answeredPerSecond).toBeLessThan(100);
  });

  it("a request never answered is an error, not a latency", async () => {
    const origin = await serve((req, res) => {
      if (req.url !== "/never") res.end("ok");
    });
    const r = await openLoop({
      origin,
      rate: 20,
      seconds: 0.5,
      request: (i) => ({ path: i === 3 ? "/never" : "/", headers: {} }),
      graceMs: 300,
    });
    expect(r.attempted).toBe(10);
    expect(r.ok).toBe(9);
    expect(r.errors).toBe(1);
    expect(r.statusCodes).toEqual({ "200": 9, "no answer": 1 });
  });

  it("counts a dropped connection as an error, by its kind", async () => {
    const origin = await serve((req, res) => {
      if (req.url === "/drop") req.socket.destroy();
      else res.end("ok");
    });
    const r = await openLoop({
      origin,
      rate: 20,
      seconds: 0.5,
      request: (i) => ({ path: i === 5 ? "/drop" : "/", headers: {} }),
    });
    expect(r.attempted).toBe(10);
    expect(r.ok).toBe(9);
    expect(r.errors).toBe(1);
    expect(Object.keys(r.statusCodes).sort()).toEqual(["200", expect.stringMatching(/^ECONNRESET/)]);
  });
});
