/**
 * The security headers of every response. Two halves, because a nonce must be new on each request:
 * - `staticSecurityHeaders()`: the same on every response; next.config.ts `headers()` sends them on
 *   everything (pages, route handlers, static files, 404s, redirects).
 * - `contentSecurityPolicy()`: per request, with a fresh nonce; proxy.ts sends it on every response
 *   it runs for, and hands it to Next in the request headers so Next stamps its own inline scripts.
 *   What the proxy skips (built JS/CSS, images, route handlers) gets `NON_DOCUMENT_CSP` from next.config.ts.
 * Kept free of Node and Next imports: next.config.ts and the proxy both load it.
 */

export type HeaderPair = { key: string; value: string };

/** Request header that carries the nonce to server components (`(await headers()).get(NONCE_HEADER)`). */
export const NONCE_HEADER = "x-nonce";

/** 16 random bytes, base64: unguessable and new for each request. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The page policy, after Next's CSP guide. Scripts run only with this request's nonce, and what
 * those scripts load ('strict-dynamic'): no inline or injected script runs. Styles keep
 * 'unsafe-inline' because React style attributes and sonner's injected stylesheet cannot carry a
 * nonce (and a nonce in style-src would switch 'unsafe-inline' off). connect-src 'self' covers fetch
 * and the EventSource on /api/events. Development needs 'unsafe-eval' for React's error overlays.
 */
export function contentSecurityPolicy({
  nonce,
  dev = false,
  https = false,
}: {
  nonce: string;
  dev?: boolean;
  https?: boolean;
}): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error("A CSP nonce must be base64 and at least 16 characters.");
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Only where the page itself came over https: on plain http (npm start on localhost) it would
    // send the page's own requests to an https port that is not there.
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** For responses that are never a document (built JS/CSS, images, JSON, event streams): nothing may run or embed them. */
export const NON_DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'none'";

/** HSTS for two years. Only in production; browsers ignore it on plain http anyway. */
const HSTS = "max-age=63072000; includeSubDomains";

/** Features this app never uses, switched off for it and for anything it might ever embed. */
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "usb=()",
].join(", ");

/** The headers that are the same on every response. Keys are lower case, as Headers stores them. */
export function staticSecurityHeaders({ production }: { production: boolean }): HeaderPair[] {
  return [
    { key: "x-content-type-options", value: "nosniff" },
    { key: "referrer-policy", value: "strict-origin-when-cross-origin" },
    { key: "permissions-policy", value: PERMISSIONS_POLICY },
    { key: "x-frame-options", value: "DENY" },
    { key: "cross-origin-opener-policy", value: "same-origin" },
    ...(production ? [{ key: "strict-transport-security", value: HSTS }] : []),
  ];
}
