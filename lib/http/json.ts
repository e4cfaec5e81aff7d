import "server-only";
/** JSON answers of the route handlers: never cached, errors as `{ error: message }`. */
const NO_STORE = { "cache-control": "no-store" };

export function jsonError(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: NO_STORE });
}

export function json(data: unknown): Response {
  return Response.json(data, { headers: NO_STORE });
}
