import { afterEach, describe, expect, it, vi } from "vitest";
import { GET } from "./route";

vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<object>()), connection: async () => {} }));

describe("GET /api/bench/constant", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is not part of the product: 404 unless the bench turned it on", async () => {
    vi.stubEnv("CAREBRIDGE_BENCH_ROUTES", "");
    const response = await GET();
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "There is no such endpoint." });
  });

  it("answers a constant for the bench's servers", async () => {
    vi.stubEnv("CAREBRIDGE_BENCH_ROUTES", "1");
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
