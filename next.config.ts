import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Bundled, PGlite copies its wasm into the publicly served static folder.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
