import { jsonError } from "@/lib/http/json";

/**
 * Any /api path no handler serves: a JSON 404, never the HTML not-found page. Nothing under /api is
 * a document, which is why the proxy skips /api and next.config.ts gives it the no-document CSP.
 */
function notFound(): Response {
  return jsonError(404, "There is no such endpoint.");
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
