/**
 * An open-loop load generator: requests start at a constant rate, each at its own scheduled time,
 * whether or not earlier ones have answered, and each latency runs from that scheduled time to the
 * end of the answer (so a generator or server that falls behind shows in the figures rather than
 * hiding the wait: no coordinated omission).
 *
 * Not autocannon's `overallRate`: it gives each connection a quota per second, which the connection
 * spends back to back as soon as its one-second timer resets, so all connections fire their whole
 * second's requests at once and the server is saturated for most of every second (a square wave,
 * not a rate). That measured p99 185 ms for the constant route at 70 % of its saturated rate.
 */
import http from "node:http";
import { percentile } from "./stats";

export interface OpenLoopResult {
  /** Every request scheduled in the run, warm-up included (each one counts, answered or not). */
  attempted: number;
  /** Answered with a 2xx. */
  ok: number;
  /** Answers by status code, and errors by kind (a network error's code, "no answer"). */
  statusCodes: Record<string, number>;
  /** Network errors and requests still unanswered when the run's grace period ended, warm-up included. */
  errors: number;
  /** Of the requests scheduled after the warm-up. */
  answeredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The warm-up's own p99 (its requests are not in p50/p99), or null without one. */
  warmupP99Ms: number | null;
  /** How late the generator itself started requests, p99: its own share of the latency. */
  startLagP99Ms: number;
}

export async function openLoop(input: {
  origin: string;
  rate: number;
  seconds: number;
  /**
   * Seconds at the same rate before the measured ones, on the same connections: the generator
   * opens its sockets and the server settles what the previous run left it (a run that starts
   * cold spent its first second at p99 161 ms, against 13-27 ms for each one after).
   */
  warmupSeconds?: number;
  /** The path and headers of the i-th request. */
  request: (i: number) => { path: string; headers: Record<string, string> };
  /** Sockets the generator may open (a slow answer never holds the next request back). */
  maxSockets?: number;
  /** How long after the last start an answer may still come; later, it counts as an error. */
  graceMs?: number;
}): Promise<OpenLoopResult> {
  const url = new URL(input.origin);
  // An idle connection is closed here after 4 s, before the server's 5 s keep-alive ends it: else a
  // request sent on it as the server closes it fails with ECONNRESET (browsers send it again; this
  // generator counts it as an error, and saw 14 in one run of 18 559).
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.maxSockets ?? 256, timeout: 4_000 });
  const warmup = Math.round(input.rate * (input.warmupSeconds ?? 0));
  const total = warmup + Math.max(1, Math.round(input.rate * input.seconds));
  const intervalMs = 1000 / input.rate;
  const latencies: number[] = [];
  const warmupLatencies: number[] = [];
  const lags: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let pending = 0;
  let sent = 0;
  let allSent: () => void;
  const done = new Promise<void>((resolve) => (allSent = resolve));
  const settled = () => {
    if (sent === total && pending === 0) allSent();
  };

  const fire = (i: number, scheduledAt: number) => {
    const { path, headers } = input.request(i);
    lags.push(performance.now() - scheduledAt);
    pending++;
    const req = http.request({ host: url.hostname, port: url.port, path, method: "GET", headers, agent }, (res) => {
      res.resume();
      res.on("end", () => {
        (i < warmup ? warmupLatencies : latencies).push(performance.now() - scheduledAt);
        const code = String(res.statusCode);
        statusCodes[code] = (statusCodes[code] ?? 0) + 1;
        if (res.statusCode! >= 200 && res.statusCode! < 300) ok++;
        pending--;
        settled();
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      const kind = `${error.code ?? error.message}${req.reusedSocket ? " on a reused connection" : ""}`;
      statusCodes[kind] = (statusCodes[kind] ?? 0) + 1;
      errors++;
      pending--;
      settled();
    });
    req.end();
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Every request whose time has come, each with its own scheduled time.
      while (sent < total && start + sent * intervalMs <= now) {
        fire(sent, start + sent * intervalMs);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      else resolve();
    };
    tick();
  });
  settled();
  // Answers still out after the grace period count as errors, not as latencies.
  const grace = new Promise<void>((resolve) => setTimeout(resolve, input.graceMs ?? 10_000).unref());
  await Promise.race([done, grace]);
  errors += pending;
  if (pending) statusCodes["no answer"] = pending;
  const elapsedS = (performance.now() - start) / 1000 - (input.warmupSeconds ?? 0);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  warmupLatencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return {
    attempted: total,
    ok,
    statusCodes,
    errors,
    answeredPerSecond: latencies.length / Math.max(input.seconds, elapsedS),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    warmupP99Ms: warmup > 0 ? percentile(warmupLatencies, 99) : null,
    startLagP99Ms: percentile(lags, 99),
  };
}
