/**
 * CSRF guard for route handlers that change state (server actions have Next's own Origin check).
 *
 * Usage, first line of a POST/PUT/PATCH/DELETE handler:
 *   const refused = requireSameOrigin(request);
 *   if (refused) return refused;
 *
 * The expected origin is this app's host as the request reached it: the first X-Forwarded-Host
 * value, else Host, compared by host (name and port) exactly as Next compares a server action's
 * Origin. The request must prove it comes from a page of this app: by its Origin; when a browser
 * sends none, by Sec-Fetch-Site "same-origin"; failing both, by a Referer on this host. A request
 * with none of the three is refused too: every browser this app supports sends Origin on a POST,
 * so only hand-made requests lack all three, and those (tests, scripts) can set `Origin` themselves.
 */
import { jsonError } from "./json";

const REFUSED_MESSAGE =
  "This request did not come from a Carebridge page, so it was refused. Reload the page and try again.";

type Verdict = { ok: true } | { ok: false; reason: string };

/** Answers 403 with a JSON `{ error }` when the request is not from this app's own pages, else null. */
export function requireSameOrigin(request: Request): Response | null {
  const verdict = checkSameOrigin(request.headers);
  if (verdict.ok) return null;
  return jsonError(403, REFUSED_MESSAGE);
}

/** The decision behind requireSameOrigin, with the reason kept for tests and logs. */
export function checkSameOrigin(headers: Headers): Verdict {
  const expectedHost = appHost(headers);
  if (!expectedHost) return { ok: false, reason: "no Host or X-Forwarded-Host header" };

  const origin = headers.get("origin");
  if (origin !== null) {
    // "null" is what sandboxed frames, file: pages and some redirects send.
    const host = hostOf(origin);
    return host === expectedHost ? { ok: true } : { ok: false, reason: `Origin ${origin} is not ${expectedHost}` };
  }

  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite !== null) {
    return fetchSite === "same-origin" ? { ok: true } : { ok: false, reason: `Sec-Fetch-Site is ${fetchSite}` };
  }

  const referer = headers.get("referer");
  if (referer !== null) {
    const host = hostOf(referer);
    return host === expectedHost ? { ok: true } : { ok: false, reason: `Referer is not on ${expectedHost}` };
  }

  return { ok: false, reason: "no Origin, Sec-Fetch-Site or Referer header" };
}

/** This app's host as the request reached it, like Next's server-action check reads it. */
function appHost(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  if (forwarded) return forwarded.toLowerCase();
  const host = headers.get("host")?.trim();
  return host ? host.toLowerCase() : null;
}

/** The host (name:port, port omitted when default) of an http(s) URL, or null for anything else. */
function hostOf(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.host.toLowerCase();
}
