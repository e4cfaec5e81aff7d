import "server-only";
import type { z } from "zod";
import { getCurrentUser } from "@/lib/auth/gate";
import { describeError, DomainError } from "@/lib/errors";
import type { PublicUser } from "@/lib/users/accounts";

import { jsonError } from "./json";

export { json, jsonError } from "./json";

/**
 * A JSON handler's common path: the signed-in user (401 otherwise; 404 while a temporary password
 * awaits its change), then the handler. Expected failures map to their status; anything else
 * answers a calm 500 and is logged without user data.
 */
export async function withUser(run: (user: PublicUser) => Promise<Response>): Promise<Response> {
  try {
    // Inside the try: reading the user is the first query, and it fails while the database is down.
    const user = await getCurrentUser();
    if (!user) return jsonError(401, "Sign in to continue.");
    // A temporary password must be changed before anything is read, as for pages and actions.
    if (user.mustChangePassword) return jsonError(404, "That item was not found.");
    return await run(user);
  } catch (error) {
    if (error instanceof DomainError) return jsonError(error.httpStatus, error.message);
    console.error("Request failed:", describeError(error));
    return jsonError(500, "Something went wrong on our side. Please try again.");
  }
}

/** Parses with zod or answers 400 with the first message. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; response: Response } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, response: jsonError(400, parsed.error.issues[0]?.message ?? "The request is not valid.") };
}

export const MAX_JSON_BYTES = 64 * 1024;

/** A JSON request body, or a 4xx: too large (413), not JSON (400), not an object (400). */
export async function readJsonBody(
  request: Request,
): Promise<{ ok: true; data: Record<string, unknown> } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_JSON_BYTES) return { ok: false, response: jsonError(413, "The request is too large.") };
  let text: string;
  try {
    text = await request.text();
  } catch {
    return { ok: false, response: jsonError(400, "The request body could not be read.") };
  }
  if (Buffer.byteLength(text) > MAX_JSON_BYTES)
    return { ok: false, response: jsonError(413, "The request is too large.") };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, response: jsonError(400, "The request body is not valid JSON.") };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { ok: false, response: jsonError(400, "The request body must be a JSON object.") };
  return { ok: true, data: data as Record<string, unknown> };
}
