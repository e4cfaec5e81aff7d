import { withUser } from "@/lib/http/handler";
import { liveEventStream } from "@/lib/live/stream";
import { liveHub } from "@/lib/live/hub";

/** The signed-in patient's or doctor's live updates as Server-Sent Events (ids and types, never bodies). */
export async function GET(request: Request) {
  // While the database is down the gate cannot answer (503): the browser retries with backoff and polls meanwhile.
  return withUser({ roles: ["patient", "doctor"] }, async (user, sessionId) => {
    const stream = liveEventStream({ userId: user.id, sessionId, hub: liveHub(), signal: request.signal });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store, no-transform",
        connection: "keep-alive",
        // Proxies such as nginx would otherwise hold the events back in a buffer.
        "x-accel-buffering": "no",
      },
    });
  });
}
