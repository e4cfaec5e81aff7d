import "server-only";
import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { admitRequest, REFUSALS } from "@/lib/auth/gate";
import { failureOf } from "@/lib/http/failure";
import { headersOf, NON_DOCUMENT_HEADERS, sendJsonError } from "@/lib/http/before-next";
import { liveHub } from "./hub";
import { EVENT_STREAM_HEADERS, liveEventStream } from "./stream";

/**
 * The live event stream served by the server process itself, before Next (scripts/next-server.mjs).
 * Through Next's route handler an open stream kept Next's whole request pipeline suspended for as
 * long as it stayed open (about 83 kB each: bench:delivery, 1 000 streams peaked above 300 MB);
 * here it holds the connection, the gate's answer and its subscription. Same gate, same stream,
 * same headers and refusals as app/api/events/route.ts.
 */
export function isLiveEventsRequest(req: IncomingMessage): boolean {
  if (req.method !== "GET" || !req.url) return false;
  const path = req.url.split("?", 1)[0];
  return path === "/api/events";
}

export async function serveLiveEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let answer;
  try {
    answer = await admitRequest(headersOf(req), { roles: ["patient", "doctor"] });
  } catch (error) {
    // While the database is down the gate cannot answer (503): the browser retries with backoff.
    const failure = failureOf(error, "Request");
    return sendJsonError(res, failure.status, failure.message);
  }
  if (!answer.ok) {
    const refused = REFUSALS[answer.refusal];
    return sendJsonError(res, refused.status, refused.message);
  }
  const gone = new AbortController();
  res.once("close", () => gone.abort());
  res.writeHead(200, { ...NON_DOCUMENT_HEADERS, ...EVENT_STREAM_HEADERS });
  res.flushHeaders();
  const reader = liveEventStream({
    userId: answer.user.id,
    sessionId: answer.sessionId,
    hub: liveHub(),
    signal: gone.signal,
  }).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      // A reader that does not keep up is waited for, not buffered for without end.
      if (!res.write(value)) await Promise.race([once(res, "drain"), once(res, "close")]);
    }
  } catch {
    // The client went away mid-write: the stream's cleanup has run on the abort.
  } finally {
    gone.abort();
    res.end();
  }
}
