import { describe, expect, it } from "vitest";
import os from "node:os";
import { machineLoad } from "./machine";

const snapshot = (s: { idle: number; total: number; ours: number; waited: number | null; at: number }) => s;

describe("machineLoad", () => {
  it("reports the share of the run some task waited for a core, from the pressure totals", () => {
    const before = snapshot({ idle: 0, total: 0, ours: 0, waited: 5_000_000, at: 1_000 });
    const after = snapshot({ idle: 100, total: 400, ours: 250, waited: 5_740_000, at: 3_000 });
    const load = machineLoad(before, after);
    expect(load.waitingShare).toBeCloseTo(0.37);
    expect(load.idleShare).toBeCloseTo(0.25);
    expect(load.othersShare).toBeCloseTo(50 / 400);
    expect(load.line).toBe(
      "machine: " +
        `${os.cpus().length} cores, 25 % idle during the run, others 13 %, tasks waiting for a core 37 % of the time`,
    );
  });

  it("says nothing of waiting where the kernel has no pressure file, and still warns of others' load", () => {
    const before = snapshot({ idle: 0, total: 0, ours: 0, waited: null, at: 0 });
    const after = snapshot({ idle: 100, total: 1_000, ours: 500, waited: null, at: 1_000 });
    const load = machineLoad(before, after);
    expect(load.waitingShare).toBeNull();
    expect(load.line).not.toContain("waiting");
    expect(load.line).toContain("WARNING: other processes used 40 % of the CPU");
  });
});
