import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Bundled, PGlite copies its wasm into the publicly served static folder.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The app's own files only; tests and scripts are checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
