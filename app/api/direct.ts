import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { headersOf, NON_DOCUMENT_HEADERS, sendJsonError } from "@/lib/http/before-next";
import { failureOf } from "@/lib/http/failure";
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
  const headers = headersOf(req);
  let url: URL;
  try {
    url = new URL(req.url!, `${headers.get("x-forwarded-proto")}://${headers.get("host") ?? "localhost"}`);
  } catch {
    return sendJsonError(res, 400, "The request is not valid.");
  }
  try {
    const request = new Request(url, {
      method: req.method,
      headers,
      ...(req.method === "POST" ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
    });
    const response = await route.handler(request, { params: Promise.resolve(route.params) });
    let body = Buffer.from(await response.arrayBuffer());
    const out: Record<string, string> = { ...NON_DOCUMENT_HEADERS, vary: "Accept-Encoding" };
    response.headers.forEach((value, key) => (out[key] = value));
    if (
      body.length >= COMPRESS_FROM_BYTES &&
      !/\bno-transform\b/.test(out["cache-control"] ?? "") &&
      acceptsGzip(req.headers["accept-encoding"])
    ) {
      body = await gzip(body);
      out["content-encoding"] = "gzip";
    }
    out["content-length"] = String(body.length);
    res.writeHead(response.status, out);
    res.end(body);
  } catch (error) {
    // A failure outside the handler's own mapping (reading the answer, compressing it).
    if (res.headersSent) return void res.destroy();
    const failure = failureOf(error, "Request");
    sendJsonError(res, failure.status, failure.message);
  }
}

/** Whether Accept-Encoding allows gzip (by name or `*`, with a quality above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
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
