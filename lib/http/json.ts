import "server-only";

/**
 * Under this many bytes an answer goes out as it is: a gzip stream costs more than it saves (each
 * one sets up its own deflate state). The compression middleware Next runs has this threshold, but
 * Next drops a route handler's Content-Length, so the middleware never knows the size and
 * compressed every poll of one message.
 */
export const COMPRESS_FROM_BYTES = 1024;

/**
 * JSON answers of the route handlers: never cached, errors as `{ error: message }`. A small one is
 * marked `no-transform`, which the compression middleware (and any proxy) honours by leaving it be.
 */
export function jsonResponse(data: unknown, init: { status?: number } = {}): Response {
  const body = JSON.stringify(data);
  const small = Buffer.byteLength(body) < COMPRESS_FROM_BYTES;
  return new Response(body, {
    status: init.status ?? 200,
    headers: {
      "content-type": "application/json",
      "cache-control": small ? "no-store, no-transform" : "no-store",
    },
  });
}

export function jsonError(status: number, message: string): Response {
  return jsonResponse({ error: message }, { status });
}

export function json(data: unknown): Response {
  return jsonResponse(data);
}
