import { jsonError } from "@/lib/http/handler";
import { getCurrentSession } from "@/lib/auth/gate";
import { describeError } from "@/lib/errors";
import { userEventStream } from "@/lib/live/stream";
import { realtime } from "@/lib/live/hub";

/** The signed-in user's live updates as Server-Sent Events (ids and types, never bodies). */
export async function GET(request: Request) {
  let session: Awaited<ReturnType<typeof getCurrentSession>>;
  try {
    session = await getCurrentSession();
  } catch (error) {
    // The database is down: the browser retries with backoff and polls meanwhile.
    console.error("Live updates unavailable:", describeError(error));
    return jsonError(503, "Live updates are unavailable for a moment.");
  }
  if (!session) return jsonError(401, "Sign in to continue.");
  const { user, sessionId } = session;
  if (user.role === "admin" || user.mustChangePassword) return jsonError(404, "That item was not found.");
  const stream = userEventStream({ userId: user.id, sessionId, realtime: realtime(), signal: request.signal });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise hold the events back in a buffer.
      "x-accel-buffering": "no",
    },
  });
}
