import { describe, expect, it } from "vitest";
import * as route from "./route";

describe("an /api path no handler serves", () => {
  it("answers every method with a JSON 404 that is not cached", async () => {
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      const response = route[method]();
      expect(response.status, method).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(response.headers.get("cache-control")).toContain("no-store");
      expect(await response.json()).toEqual({ error: "There is no such endpoint." });
    }
  });
});
