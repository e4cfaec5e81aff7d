import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { headersOf, NON_DOCUMENT_HEADERS, sendJsonError } from "@/lib/http/before-next";
import { failureOf } from "@/lib/http/failure";
import { MAX_JSON_BYTES } from "@/lib/http/handler";
import { COMPRESS_FROM_BYTES } from "@/lib/http/json";
import { isLiveEventsRequest, serveLiveEvents } from "@/lib/live/serve-events";
import { GET as conversations } from "./conversations/route";
import { GET as recentMessages } from "./recent-messages/route";
import { GET as threadMessages } from "./rooms/[roomId]/messages/route";
import { POST as markRead } from "./rooms/[roomId]/read/route";
import { GET as unread } from "./unread/route";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * The JSON endpoints every open page polls, refetches or posts for each message it shows, answered
 * by `npm start`'s server process itself (scripts/next-server.mjs), before Next: the same route
 * handlers (their files stay Next's routes for `next dev` and a plain `next start`), given a
 * standard Request. Through Next each one also paid for its request pipeline, about 1 ms of CPU
 * (the constant route's cost), more than the handler's own work (bench/README.md).
 */
const ROUTES: { method: "GET" | "POST"; path: RegExp; handler: Handler }[] = [
  { method: "GET", path: /^\/api\/unread$/, handler: unread },
  { method: "GET", path: /^\/api\/conversations$/, handler: conversations },
  { method: "GET", path: /^\/api\/recent-messages$/, handler: recentMessages },
  { method: "GET", path: /^\/api\/rooms\/(?<roomId>[^/]+)\/messages$/, handler: threadMessages as Handler },
  { method: "POST", path: /^\/api\/rooms\/(?<roomId>[^/]+)\/read$/, handler: markRead as Handler },
];

export interface DirectRoute {
  handler: Handler;
  params: Record<string, string>;
}

/** The route this request takes before Next, or null: Next answers it (a trailing slash, a bad escape, anything else). */
export function directRoute(req: Pick<IncomingMessage, "method" | "url">): DirectRoute | null {
  if (!req.url?.startsWith("/api/")) return null;
  const path = req.url.split("?", 1)[0]!;
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const found = route.path.exec(path);
    if (!found) continue;
    try {
      const params = Object.fromEntries(Object.entries(found.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      return { handler: route.handler, params };
    } catch {
      return null;
    }
  }
  return null;
}

const gzip = promisify(zlib.gzip);

/** Runs the route's handler on the request and writes its answer as Next would (headers, compression). */
export async function serveDirect(req: IncomingMessage, res: ServerResponse, route: DirectRoute): Promise<void> {
  try {
    let body: string | undefined;
    if (req.method === "POST") {
      // Read whole before the handler, at most the JSON limit: a refusal before the body was read
      // leaves nothing on a kept-alive connection, and a body sent without a length cannot grow
      // without end.
      const read = await bodyUpTo(req, MAX_JSON_BYTES);
      if (!read) {
        res.once("finish", () => req.destroy());
        return sendJsonError(res, 413, "The request is too large.");
      }
      // As the handler reads it (request.text()): UTF-8, a bad sequence replaced.
      body = read.toString("utf8");
    }
    // The handlers read only the path's query and the headers; the URL's own origin is a fixed one,
    // so an odd Host or X-Forwarded-Proto (a proxy chain's "https, http") cannot fail to parse.
    const request = new Request(new URL(req.url!, "http://localhost"), {
      method: req.method,
      headers: headersOf(req),
      body,
    });
    const response = await route.handler(request, { params: Promise.resolve(route.params) });
    let answer = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string> = { ...NON_DOCUMENT_HEADERS, vary: "Accept-Encoding" };
    response.headers.forEach((value, key) => (out[key] = value));
    if (
      answer.length >= COMPRESS_FROM_BYTES &&
      !/\bno-transform\b/.test(out["cache-control"] ?? "") &&
      acceptsGzip(req.headers["accept-encoding"])
    ) {
      answer = await gzip(answer);
      out["content-encoding"] = "gzip";
    }
    out["content-length"] = String(answer.length);
    res.writeHead(response.status, out);
    res.end(answer);
  } catch (error) {
    // A failure outside the handler's own mapping (reading the request, compressing the answer).
    if (res.headersSent || req.destroyed) return void res.destroy();
    const failure = failureOf(error, "Request");
    sendJsonError(res, failure.status, failure.message);
  }
}

/** The request's body, or null once it passes `limit` bytes (declared or as it arrives). */
async function bodyUpTo(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Whether Accept-Encoding allows gzip: a quality above 0 for gzip by name, or, when gzip is not
 * named, for `*` (RFC 9110: the named coding's own quality wins).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const qualities = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    qualities.set(name!.trim(), q === undefined ? 1 : Number(q.slice(2)));
  }
  const q = qualities.get("gzip") ?? qualities.get("*") ?? 0;
  return q > 0;
}

/** For scripts/next-server.mjs: answers the request and says true, or says false and leaves it to Next. */
export function serveBeforeNext(req: IncomingMessage, res: ServerResponse): boolean {
  if (isLiveEventsRequest(req)) {
    void serveLiveEvents(req, res);
    return true;
  }
  const route = directRoute(req);
  if (!route) return false;
  void serveDirect(req, res, route);
  return true;
}

declare global {
  // Set by instrumentation.ts, read by scripts/next-server.mjs.
  var __carebridgeServeBeforeNext: typeof serveBeforeNext | undefined;
}
