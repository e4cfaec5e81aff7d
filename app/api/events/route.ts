import { withUser } from "@/lib/http/handler";
import { EVENT_STREAM_HEADERS, liveEventStream } from "@/lib/live/stream";
import { liveHub } from "@/lib/live/hub";

/**
 * The signed-in patient's or doctor's live updates as Server-Sent Events (ids and types, never
 * bodies). `npm start` serves this path in its server process before Next (lib/live/serve-events.ts,
 * a stream there holds a fraction of the memory); this handler serves it under `next dev` or a
 * plain `next start`.
 */
export async function GET(request: Request) {
  // While the database is down the gate cannot answer (503): the browser retries with backoff and polls meanwhile.
  return withUser({ roles: ["patient", "doctor"] }, async (user, sessionId) => {
    const stream = liveEventStream({ userId: user.id, sessionId, hub: liveHub(), signal: request.signal });
    return new Response(stream, { headers: EVENT_STREAM_HEADERS });
  });
}
