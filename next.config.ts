import type { NextConfig } from "next";
import { NON_DOCUMENT_CSP, staticSecurityHeaders } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Bundled, PGlite copies its wasm into the publicly served static folder.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pg-boss", "sharp"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The app's own files only; tests and scripts are checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  async headers() {
    return [
      // On every response; the pages' CSP (with its nonce) comes from proxy.ts.
      { source: "/:path*", headers: staticSecurityHeaders({ production: process.env.NODE_ENV === "production" }) },
      // What proxy.ts skips: built JS/CSS, images and the route handlers, never documents.
      ...[
        "/_next/static/:path*",
        "/_next/image",
        "/favicon.ico",
        "/icons/:path*",
        "/manifest.webmanifest",
        "/robots.txt",
        "/api/:path*",
      ].map((source) => ({
        source,
        headers: [{ key: "content-security-policy", value: NON_DOCUMENT_CSP }],
      })),
    ];
  },
};

export default nextConfig;
