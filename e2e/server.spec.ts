import { spawnSync } from "node:child_process";
import { expect, test } from "./support/test";
import { E2E_DATA_DIR } from "../playwright.config";

test("/api/health answers 200 with the database reachable", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: "reachable" });
});

test("a second npm start on the same embedded database refuses and the first keeps serving", async ({ request }) => {
  const second = spawnSync("npm", ["start"], {
    env: { ...process.env, PORT: "3999", CAREBRIDGE_DATA_DIR: E2E_DATA_DIR, DATABASE_URL: "", AUTH_SECRET: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(second.status).toBe(1);
  expect(second.stderr).toMatch(/the embedded database in .* is in use by process \d+/);
  expect(second.stdout).not.toContain("Building");
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
});
