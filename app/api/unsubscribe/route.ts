import type { NextRequest } from "next/server";
import { failureOf } from "@/lib/http/failure";
import { json, jsonError } from "@/lib/http/json";
import { readUnsubscribeToken } from "@/lib/mail/unsubscribe";
import { unsubscribe } from "@/lib/notify/settings";
import { unsubscribeTokenSchema } from "@/lib/schemas/notifications";

/**
 * RFC 8058 one-click unsubscribe: a mail program POSTs `List-Unsubscribe=One-Click` to the URL in
 * the List-Unsubscribe header, from its own servers, without cookies. The signed token alone
 * says which account and which one setting to turn off, so no session or origin is asked for.
 */
export async function POST(request: NextRequest) {
  const parsed = unsubscribeTokenSchema.safeParse(request.nextUrl.searchParams.get("token") ?? "");
  const token = parsed.success ? readUnsubscribeToken(parsed.data) : null;
  if (!token) return jsonError(400, "This unsubscribe link is not valid.");
  try {
    if (!(await unsubscribe(token))) return jsonError(404, "This unsubscribe link is not valid.");
    return json({ ok: true, category: token.category });
  } catch (error) {
    const failure = failureOf(error, "Unsubscribe");
    return jsonError(failure.status, failure.message);
  }
}
