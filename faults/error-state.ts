/**
 * What a running server must answer while its database is unreachable: /api/health 503 within a
 * few seconds, a page that shows the app's error panel in a browser (not an empty reply, a reset
 * connection or a stack trace), and a JSON endpoint with a calm JSON error. Returns the problems
 * found (none: passed) and a line for the summary.
 *
 * The page is opened in Chromium because an error in a layout fails React's server render before
 * any boundary: the server sends Next's bare error document (500) and the browser renders the
 * error boundary. Its HTML alone shows nothing either way.
 */
import type { Browser } from "@playwright/test";
import { networkProblem, request, type Answer } from "./http";

/** Traces of internals that must never reach a visitor. */
const LEAKS: [RegExp, string][] = [
  [/\bat [\w$.<>[\] ]+ \(?[^()\s]*:\d+:\d+\)?/, "a stack frame"],
  [/node_modules/, "a node_modules path"],
  [/ECONNREFUSED|ECONNRESET|CONNECTION_CLOSED|CONNECT_TIMEOUT/, "a driver error code"],
  [/PostgresError|postgres\.js|Failed query/i, "a database error"],
  [/127\.0\.0\.1:(543\d|1)\b/, "the database address"],
];

function leaks(text: string): string[] {
  return LEAKS.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
}

export interface CheckResult {
  problems: string[];
  summary: string;
}

async function timed(
  url: string,
  init: RequestInit = {},
): Promise<(Answer & { ms: number }) | { error: string; ms: number }> {
  const started = performance.now();
  try {
    return { ...(await request(url, init, 15_000)), ms: performance.now() - started };
  } catch (error) {
    return { error: networkProblem(error), ms: performance.now() - started };
  }
}

type Shown = { status: number; text: string; ms: number } | { error: string };

/** Playwright's own timeouts cover navigation and waiting, not opening or closing a context. */
function pageInBrowser(browser: Browser, url: string, cookie: string): Promise<Shown> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Shown>(
    (resolve) => (timer = setTimeout(() => resolve({ error: "the browser did not finish within 40 s" }), 40_000)),
  );
  return Promise.race([openInBrowser(browser, url, cookie), limit]).finally(() => clearTimeout(timer));
}

async function openInBrowser(browser: Browser, url: string, cookie: string): Promise<Shown> {
  const started = performance.now();
  const [name, ...value] = cookie.split("=");
  const context = await browser.newContext();
  try {
    await context.addCookies([{ name: name!, value: value.join("="), url }]);
    const page = await context.newPage();
    const response = await page.goto(url, { timeout: 15_000 });
    await page.getByRole("alert").filter({ hasText: "Something went wrong" }).waitFor({ timeout: 10_000 });
    return {
      status: response?.status() ?? 0,
      text: await page.locator("body").innerText(),
      ms: performance.now() - started,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  } finally {
    await context.close();
  }
}

export async function checkErrorState(input: {
  origin: string;
  cookie: string;
  page: string;
  jsonEndpoint: string;
  healthWithinMs: number;
  browser: Browser;
}): Promise<CheckResult> {
  const problems: string[] = [];
  const lines: string[] = [];

  // All at once, as visitors would come: the outage lasts no longer than the slowest of them.
  const [health, page, shown, api] = await Promise.all([
    timed(`${input.origin}/api/health`),
    timed(`${input.origin}${input.page}`, { headers: { cookie: input.cookie } }),
    pageInBrowser(input.browser, `${input.origin}${input.page}`, input.cookie),
    timed(`${input.origin}${input.jsonEndpoint}`, { headers: { cookie: input.cookie } }),
  ]);
  if ("error" in health) problems.push(`/api/health did not answer: ${health.error}`);
  else {
    lines.push(`health ${health.status} in ${health.ms.toFixed(0)} ms`);
    if (health.status !== 503) problems.push(`/api/health answered ${health.status}, expected 503`);
    if (health.ms > input.healthWithinMs)
      problems.push(`/api/health took ${health.ms.toFixed(0)} ms (limit ${input.healthWithinMs} ms)`);
    if (!health.text.includes('"unavailable"')) problems.push(`/api/health body: ${health.text.slice(0, 200)}`);
  }

  if ("error" in page) problems.push(`${input.page} did not answer: ${page.error}`);
  else {
    lines.push(`${input.page} ${page.status} in ${page.ms.toFixed(0)} ms`);
    if (page.status < 500)
      problems.push(`${input.page} answered ${page.status}, expected an error status while the database is down`);
    if (!page.type.startsWith("text/html"))
      problems.push(`${input.page} answered ${page.type || "no content type"}, expected an HTML page`);
    for (const leak of leaks(page.text)) problems.push(`${input.page} sends ${leak} in its HTML`);
  }
  if ("error" in shown) problems.push(`${input.page} in a browser does not show the error panel: ${shown.error}`);
  else {
    lines.push(`error panel shown in a browser after ${shown.ms.toFixed(0)} ms`);
    for (const leak of leaks(shown.text)) problems.push(`${input.page} shows ${leak} in a browser`);
  }

  if ("error" in api) problems.push(`${input.jsonEndpoint} did not answer: ${api.error}`);
  else {
    lines.push(`${input.jsonEndpoint} ${api.status} in ${api.ms.toFixed(0)} ms`);
    if (api.status < 500)
      problems.push(`${input.jsonEndpoint} answered ${api.status}, expected a 5xx while the database is down`);
    let message: unknown;
    try {
      message = (JSON.parse(api.text) as { error?: unknown }).error;
    } catch {
      // not JSON: reported below
    }
    if (!api.type.includes("application/json") || typeof message !== "string" || message.length === 0) {
      problems.push(
        `${input.jsonEndpoint} answered ${api.type || "no content type"} "${api.text.slice(0, 120)}", expected JSON {"error": "…"}`,
      );
    } else {
      lines.push(`"${message}"`);
    }
    for (const leak of leaks(api.text)) problems.push(`${input.jsonEndpoint} shows ${leak}`);
  }
  return { problems, summary: lines.join(", ") };
}
