import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig, SESSION_ENDED_COOKIE } from "@/lib/auth/config";
import { authSecret } from "@/lib/env";
import { checkSameOrigin } from "@/lib/http/same-origin";
import { contentSecurityPolicy, createNonce, NONCE_HEADER } from "@/lib/http/security-headers";

const { auth } = NextAuth(() => ({ ...authConfig, secret: authSecret() }));

/**
 * Runs before every page (not before the route handlers under /api/: see the matcher). It gives
 * each request a fresh CSP nonce: in the response header for the browser, and in the request headers, where Next finds it and stamps its
 * own inline scripts with it (server components read it from `x-nonce`). It also redirects
 * signed-out visitors of protected areas to /login (lib/auth.config.ts `authorized`); that is a
 * convenience, not the guard: every page, action and handler calls lib/authz itself.
 */
export default async function proxy(request: NextRequest, event: NextFetchEvent): Promise<Response> {
  if (isServerAction(request)) {
    // A server action answers with data, never a document: it needs no nonce, and its own gate
    // (lib/auth/gate.ts) decides who may call it, so the session is not read here a second time
    // (nor renewed: a page load does that). Reading it here too made browser-like delivery at
    // 50 msg/s saturate the machine (bench:delivery p95 1556 ms, 119 ms without).
    return refuseServerAction(request) ?? NextResponse.next();
  }
  const nonce = createNonce();
  const policy = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development", https: isHttps(request) });
  const headers = new Headers(request.headers);
  headers.set(NONCE_HEADER, nonce);
  headers.set("content-security-policy", policy);
  // Typed as a proxy function (request, event) so that `auth` treats it as one.
  const render = (_request: NextRequest, _event: NextFetchEvent) => NextResponse.next({ request: { headers } });

  // With a lazy config, `auth(fn)` gives a promise of the wrapped proxy, though typed as the proxy itself.
  const result = await (await auth(render))(request, event);
  const response = result instanceof Response ? result : NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  // Auth.js cleared a session cookie that no longer holds a session: remember it for a few minutes,
  // so whichever tab reaches the sign-in page first, the page says the session ended.
  if (sessionCookieCleared(request, response))
    response.headers.append("set-cookie", `${SESSION_ENDED_COOKIE}=1; Path=/; Max-Age=600; HttpOnly; SameSite=Lax`);
  return response;
}

function sessionCookieCleared(request: NextRequest, response: Response): boolean {
  if (!request.cookies.getAll().some((c) => c.name.includes("authjs.session-token"))) return false;
  return response.headers
    .getSetCookie()
    .some((c) => c.includes("authjs.session-token") && /max-age=0|expires=thu, 01 jan 1970/i.test(c));
}

/** The largest server action body accepted: every form of the app is far smaller. */
export const ACTION_BODY_LIMIT = 512 * 1024;

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

/**
 * Server actions are posts to a page with a `Next-Action` header. Next checks their Origin and
 * body size itself, but answers a refusal with a 500 and a stack in the log; here they get the
 * status that says what was wrong, before any of it reaches Next: 403 for another site's page (or
 * none), 411 for a body of unknown length, 413 for one past the limit.
 */
function isServerAction(request: NextRequest): boolean {
  return request.method === "POST" && request.headers.has("next-action");
}

function refuseServerAction(request: NextRequest): Response | null {
  if (!checkSameOrigin(request.headers).ok)
    return plain(
      403,
      "This form was not sent from a Carebridge page, so it was refused. Reload the page and try again.",
    );
  const length = request.headers.get("content-length");
  if (length === null) return plain(411, "This form was sent without its length, so it was refused. Please try again.");
  if (!/^\d+$/.test(length) || Number(length) > ACTION_BODY_LIMIT)
    return plain(413, "This form is too large to send. Shorten what you wrote and try again.");
  return null;
}

function isHttps(request: NextRequest): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (forwarded ?? request.nextUrl.protocol.replace(/:$/, "")) === "https";
}

export const config = {
  // Documents only. Next's built files and the route handlers under /api/ (JSON and event streams,
  // never a document; unknown paths get a JSON 404) take their headers from next.config.ts. Running
  // the proxy on /api cost half the throughput of a route handler (bench/README.md).
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|icons/|manifest.webmanifest|robots.txt).*)"],
};
