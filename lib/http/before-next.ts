import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { TLSSocket } from "node:tls";
import { NON_DOCUMENT_CSP, staticSecurityHeaders } from "./security-headers";

/**
 * What a request answered by the server process itself, before Next (scripts/next-server.mjs),
 * needs to look as Next would make it: the request's headers as Next hands them to a handler, and
 * the security headers next.config.ts gives every non-document answer.
 */
export const NON_DOCUMENT_HEADERS: Readonly<Record<string, string>> = Object.fromEntries([
  ...staticSecurityHeaders({ production: process.env.NODE_ENV === "production" }).map((h) => [h.key, h.value]),
  ["content-security-policy", NON_DOCUMENT_CSP],
]);

/** The request's headers as Next hands them to a handler: `x-forwarded-proto` set from the connection if no proxy did. */
export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  if (!headers.has("x-forwarded-proto"))
    headers.set("x-forwarded-proto", req.socket instanceof TLSSocket ? "https" : "http");
  return headers;
}

/** A JSON `{ error }` answer with the security headers. */
export function sendJsonError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, {
    ...NON_DOCUMENT_HEADERS,
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
