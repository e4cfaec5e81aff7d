import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      // Real only inside Next's server bundles; tests import server modules directly.
      "server-only": path.join(import.meta.dirname, "test/server-only-stub.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**"],
    globalSetup: ["./test/global-setup.ts"],
    // The gate reads the session on every request here, so a test may change an account with a bare
    // UPDATE and ask at once; the kept answers and their dropping are tested on their own
    // (lib/auth/session-cache.test.ts), and run in the browser tests' production server.
    env: { SESSION_CACHE_SECONDS: "0" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
