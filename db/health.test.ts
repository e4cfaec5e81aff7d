import { describe, expect, it } from "vitest";
import { openPglite, openPostgres } from "@/db/client";
import { databaseReachable } from "./health";

describe("databaseReachable", () => {
  it("is true when the database answers", async () => {
    const handle = openPglite();
    // A new in-memory database first runs initdb, which on a busy machine can outlast the timeout.
    await handle.pglite!.waitReady;
    globalThis.__carebridgeDb = handle;
    try {
      expect(await databaseReachable()).toBe(true);
    } finally {
      globalThis.__carebridgeDb = undefined;
      await handle.close();
    }
  });

  it("is false, without throwing, when the database is closed", async () => {
    const handle = openPglite();
    await handle.close();
    globalThis.__carebridgeDb = handle;
    try {
      expect(await databaseReachable()).toBe(false);
    } finally {
      globalThis.__carebridgeDb = undefined;
    }
  });

  it("is false when the server cannot be reached", async () => {
    // Nothing listens on port 1.
    const handle = openPostgres("postgres://postgres@127.0.0.1:1/none", { max: 1 });
    globalThis.__carebridgeDb = handle;
    try {
      expect(await databaseReachable()).toBe(false);
    } finally {
      globalThis.__carebridgeDb = undefined;
      await handle.close();
    }
  });
});
