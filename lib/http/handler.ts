import "server-only";
import type { z } from "zod";
import { admit, admitRequest, REFUSALS, type GateRule } from "@/lib/auth/gate";
import type { PublicUser } from "@/lib/users/accounts";
import { failureOf } from "./failure";
import { jsonError } from "./json";

export { json, jsonError, jsonResponse } from "./json";

/**
 * A route handler's common path: the gate (its refusal answered with its status), then the
 * handler; whatever the handler throws goes through the one failure mapping (a domain refusal's
 * status, 503 while the database is out of reach, else a calm 500). Given the request, the gate
 * reads the session from its headers, so the handler also runs outside Next (app/api/direct.ts).
 */
export async function withUser(
  rule: GateRule,
  run: (user: PublicUser, sessionId: string) => Promise<Response>,
  request?: Request,
): Promise<Response> {
  try {
    // Inside the try: reading the user is the first query, and it fails while the database is down.
    const answer = request ? await admitRequest(request.headers, rule) : await admit(rule);
    if (!answer.ok) {
      const refused = REFUSALS[answer.refusal];
      return jsonError(refused.status, refused.message);
    }
    return await run(answer.user, answer.sessionId);
  } catch (error) {
    const failure = failureOf(error, "Request");
    return jsonError(failure.status, failure.message);
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
