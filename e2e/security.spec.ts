import fs from "node:fs";
import path from "node:path";
import type { APIResponse, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { BASE_URL } from "../playwright.config";
import { DEMO, signIn, uniqueEmail } from "./support/auth";
import { acceptedPair } from "./support/people";

const EVIL = "http://evil.example";
const MICHAEL = { name: "Michael Chen", specialty: "Dermatology", email: "michael.chen@carebridge.test" };

function headerValues(response: APIResponse, name: string): string[] {
  return response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === name)
    .map((h) => h.value);
}

/** The one Content-Security-Policy of a response, as directive → sources. */
function policyOf(response: APIResponse): Map<string, string[]> {
  const policies = headerValues(response, "content-security-policy");
  expect(policies, `one CSP on ${response.url()}`).toHaveLength(1);
  const directives = new Map<string, string[]>();
  for (const directive of (policies[0] ?? "").split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

function nonceOf(response: APIResponse): string {
  const scriptSrc = policyOf(response).get("script-src") ?? [];
  const nonces = scriptSrc.filter((s) => s.startsWith("'nonce-")).map((s) => s.slice("'nonce-".length, -1));
  expect(nonces, "one nonce in script-src").toHaveLength(1);
  return nonces[0] ?? "";
}

function expectStaticHeaders(response: APIResponse) {
  const where = response.url();
  expect(headerValues(response, "x-content-type-options"), where).toEqual(["nosniff"]);
  expect(headerValues(response, "x-frame-options"), where).toEqual(["DENY"]);
  expect(headerValues(response, "referrer-policy"), where).toEqual(["strict-origin-when-cross-origin"]);
  const permissions = headerValues(response, "permissions-policy");
  expect(permissions, where).toHaveLength(1);
  for (const feature of ["camera", "microphone", "geolocation", "payment"])
    expect(permissions[0] ?? "", where).toContain(`${feature}=()`);
  // The e2e server is a production build (npm start), so HSTS is on; browsers ignore it over http.
  const hsts = headerValues(response, "strict-transport-security");
  expect(hsts, where).toHaveLength(1);
  expect(Number(/max-age=(\d+)/.exec(hsts[0] ?? "")?.[1]), where).toBeGreaterThanOrEqual(31_536_000);
}

/** The policy of anything that may be a document: nonce scripts only, nothing embeds it. */
function expectDocumentPolicy(response: APIResponse) {
  const policy = policyOf(response);
  const scriptSrc = policy.get("script-src") ?? [];
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(nonceOf(response)).toMatch(/^[A-Za-z0-9+/=]{22,}$/);
  expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  expect(policy.get("object-src")).toEqual(["'none'"]);
  expect(policy.get("base-uri")).toEqual(["'self'"]);
  expect(policy.get("form-action")).toEqual(["'self'"]);
  expect(policy.get("connect-src")).toEqual(["'self'"]);
  expect(policy.get("default-src")).toEqual(["'self'"]);
}

test.describe("security headers", () => {
  test("a page, a route handler, Auth.js, 404s, a redirect and a built chunk all carry them", async ({ request }) => {
    const page = await request.get("/login");
    expect(page.status()).toBe(200);
    const health = await request.get("/api/health");
    expect(health.status()).toBe(200);
    const authJs = await request.get("/api/auth/csrf");
    expect(authJs.status()).toBe(200);
    const missingPage = await request.get("/no-such-page");
    expect(missingPage.status()).toBe(404);
    const missingApi = await request.get("/api/no-such-endpoint");
    expect(missingApi.status()).toBe(404);
    const redirect = await request.get("/patient", { maxRedirects: 0 });
    expect([302, 303, 307]).toContain(redirect.status());
    expect(redirect.headers()["location"]).toContain("/login");

    for (const response of [page, missingPage, redirect]) {
      expectStaticHeaders(response);
      expectDocumentPolicy(response);
    }
    // The route handlers are never documents: nothing may run in or embed them. An unknown /api
    // path is a JSON 404, not the HTML not-found page.
    expect(missingApi.headers()["content-type"]).toContain("application/json");
    for (const response of [health, authJs, missingApi]) {
      expectStaticHeaders(response);
      expect(policyOf(response).get("default-src")).toEqual(["'none'"]);
      expect(policyOf(response).get("frame-ancestors")).toEqual(["'none'"]);
    }

    const chunkPath = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(await page.text())?.[1];
    expect(chunkPath, "a built script on /login").toBeTruthy();
    const chunk = await request.get(chunkPath!);
    expect(chunk.status()).toBe(200);
    expectStaticHeaders(chunk);
    expect(policyOf(chunk).get("default-src")).toEqual(["'none'"]);
    expect(policyOf(chunk).get("frame-ancestors")).toEqual(["'none'"]);
  });

  test("each response gets its own nonce, and every script Next writes into the page carries it", async ({
    request,
  }) => {
    for (const url of ["/login", "/", "/register", "/no-such-page"]) {
      const first = await request.get(url);
      const second = await request.get(url);
      const [nonce, otherNonce] = [nonceOf(first), nonceOf(second)];
      expect(nonce, url).not.toBe(otherNonce);

      const html = await first.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, `scripts on ${url}`).toBeGreaterThan(1);
      for (const tag of scripts) expect(tag, url).toContain(`nonce="${nonce}"`);
      expect(html, url).not.toContain(otherNonce);
    }
  });
});

/** Collects CSP violations (the DOM event and Chromium's console lines) of every page in a context. */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding("__reportCspViolation", (_source, line: string) => void violations.push(line));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (line: string) => void }).__reportCspViolation;
      void report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${e.documentURI}`);
    });
  });
  context.on("console", (message) => {
    if (/Content Security Policy|Permissions-Policy/i.test(message.text()))
      violations.push(`console: ${message.text()}`);
  });
  return violations;
}

async function expectHydrated(page: Page) {
  // Next's client runtime announces itself on window.next once its (nonce'd) scripts have run.
  await expect
    .poll(() => page.evaluate(() => typeof (window as unknown as { next?: { version?: string } }).next?.version))
    .toBe("string");
}

// The live stream may notice the sign-out first and add ?ended=1; either way is fine here.
async function signOutAnyhow(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login(\?|$)/);
}

test.describe("content security policy in Chromium", () => {
  test("an injected inline script, or one with a wrong nonce, is blocked and reported", async ({ page, context }) => {
    const violations = await watchViolations(context);
    await page.route("**/login", async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(
        "</body>",
        `<script>window.__injected = "inline"</script><script nonce="bm90LXRoZS1ub25jZQ==">window.__injected = "wrong nonce"</script></body>`,
      );
      await route.fulfill({ response, body: html });
    });
    await page.goto("/login");
    await expectHydrated(page);
    expect(await page.evaluate(() => (window as unknown as { __injected?: string }).__injected)).toBeUndefined();
    await expect.poll(() => violations.filter((v) => v.startsWith("script-src")).length).toBeGreaterThanOrEqual(2);
  });

  test("signing in and using the app as patient, doctor and admin raises no violation", async ({ page, context }) => {
    const violations = await watchViolations(context);
    for (const path of ["/", "/register", "/no-such-page"]) {
      await page.goto(path);
      await expectHydrated(page);
    }
    await signIn(page, DEMO.patient.email, undefined, /\/patient$/);
    for (const path of ["/account/password", "/patient/doctors", "/patient/appointments", "/chat", "/patient"]) {
      await page.goto(path);
      await expectHydrated(page);
    }
    // A client-side navigation: the router fetches the next page's payload and runs its chunks.
    await page
      .getByRole("link", { name: /Messages/ })
      .first()
      .click();
    await expect(page).toHaveURL(/\/chat$/);
    // The demo patient's conversation with Dr Emily Davis: a thread, its composer and live updates.
    await page
      .getByRole("link", { name: /Emily Davis/ })
      .first()
      .click();
    await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
    await expect(page.getByLabel("Message", { exact: true })).toBeVisible();
    await expectHydrated(page);
    await signOutAnyhow(page);

    for (const [who, home, paths] of [
      [DEMO.doctor, /\/doctor$/, ["/doctor/requests", "/doctor/appointments", "/doctor/settings"]],
      [
        DEMO.admin,
        /\/admin$/,
        ["/admin/users", "/admin/users/new", "/admin/appointments", "/admin/rooms", "/admin/audit"],
      ],
    ] as const) {
      await signIn(page, who.email, undefined, home);
      for (const path of paths) {
        await page.goto(path);
        await expectHydrated(page);
      }
      await signOutAnyhow(page);
    }
    expect(violations).toEqual([]);
  });
});

test.describe("session cookie", () => {
  test("signing in over http sets an HttpOnly, SameSite=Lax session cookie for the whole site", async ({
    page,
    context,
  }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(DEMO.patient.email);
    await page.getByLabel("Password").fill("carebridge-demo");
    const signInResponse = page.waitForResponse(
      async (r) =>
        r.request().method() === "POST" &&
        ((await r.headerValue("set-cookie")) ?? "").includes("authjs.session-token="),
    );
    await page.getByRole("button", { name: "Sign in" }).click();
    const setCookie = (await (await signInResponse).headersArray())
      .filter((h) => h.name.toLowerCase() === "set-cookie")
      .flatMap((h) => h.value.split("\n"))
      .find((c) => c.startsWith("authjs.session-token="));
    expect(setCookie).toBeDefined();
    const attributes = setCookie!
      .split(";")
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    // Plain http (npm start on localhost): a Secure cookie would never come back, so none is set.
    expect(attributes).not.toContain("secure");

    const [session] = (await context.cookies()).filter((c) => c.name === "authjs.session-token");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("authjs.session-token");
  });

  test("behind an https proxy (X-Forwarded-Proto: https) the session cookie is Secure and __Secure- prefixed", async ({
    request,
  }) => {
    const https = { "x-forwarded-proto": "https" };
    const csrf = await request.get("/api/auth/csrf", { headers: https });
    const csrfCookie = headerValues(csrf, "set-cookie").find((c) => c.startsWith("__Host-authjs.csrf-token="));
    expect(csrfCookie).toMatch(/; Secure/i);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };

    const signInResponse = await request.post("/api/auth/callback/credentials", {
      // A Secure cookie is not sent back over http by the client, so it goes by hand.
      headers: { ...https, cookie: csrfCookie?.split(";")[0] ?? "" },
      form: { csrfToken, email: DEMO.patient.email, password: "carebridge-demo" },
      maxRedirects: 0,
    });
    const session = headerValues(signInResponse, "set-cookie").find((c) =>
      c.startsWith("__Secure-authjs.session-token="),
    );
    expect(session, "a session cookie after signing in").toBeDefined();
    const attributes = session!
      .split(";")
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
  });
});

test.describe("cross-site request forgery", () => {
  function registerActionId(): string {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8"),
    ) as {
      node: Record<string, { filename?: string; exportedName?: string }>;
    };
    const entry = Object.entries(manifest.node).find(
      ([, a]) => a.filename === "app/(auth)/actions.ts" && a.exportedName === "registerAction",
    );
    expect(entry, "registerAction in the server reference manifest").toBeDefined();
    return entry?.[0] ?? "";
  }

  /** The registration server action exactly as React posts it: (previous state, form data). */
  function registration(email: string): FormData {
    const form = new FormData();
    form.append("_1_name", "Forged Person");
    form.append("_1_email", email);
    form.append("_1_password", "a-long-enough-password");
    form.append("0", '[null,"$K1"]');
    return form;
  }

  test("a server action posted from another origin is refused and creates nothing", async ({ request }) => {
    const actionId = registerActionId();
    const email = uniqueEmail("forged");
    const post = (origin: string) =>
      request.post("/register", {
        headers: { "next-action": actionId, origin, accept: "text/x-component" },
        multipart: registration(email),
        maxRedirects: 0,
      });

    for (const origin of [EVIL, "null", `https://localhost.evil.example`]) {
      const forged = await post(origin);
      expect(forged.status(), origin).toBe(403);
      expect(await forged.text(), origin).toContain("was not sent from a Carebridge page");
      expect(forged.headers()["x-action-redirect"], origin).toBeUndefined();
      expect(
        headerValues(forged, "set-cookie").some((c) => c.includes("session-token")),
        origin,
      ).toBe(false);
    }

    // The same request from the app's own origin goes through ("check your email"): so the forged
    // ones were well formed and refused only for their origin.
    const genuine = await post(new URL(BASE_URL).origin);
    expect(genuine.status()).toBe(200);
    expect(await genuine.text()).toContain(email);
    expect(headerValues(genuine, "set-cookie").some((c) => c.startsWith("authjs.session-token="))).toBe(false);
  });

  test("an oversized or lengthless form answers 413 or 411 with a readable message, before anything runs", async ({
    request,
  }) => {
    const actionId = registerActionId();
    const email = uniqueEmail("huge");
    for (const size of [1024 * 1024, 10 * 1024 * 1024]) {
      const form = registration(email);
      form.set("_1_name", "x".repeat(size));
      const response = await request.post("/register", {
        headers: { "next-action": actionId, origin: new URL(BASE_URL).origin, accept: "text/x-component" },
        multipart: form,
        maxRedirects: 0,
      });
      expect(response.status(), `${size} bytes`).toBe(413);
      expect(await response.text()).toBe("This form is too large to send. Shorten what you wrote and try again.");
    }
    // The sign-in action alike.
    const signIn = await request.post("/login", {
      headers: { "next-action": actionId, origin: new URL(BASE_URL).origin, "content-type": "text/plain" },
      data: "x".repeat(2 * 1024 * 1024),
    });
    expect(signIn.status()).toBe(413);
  });

  test("a message posted to the route handler from another origin is refused 403 and not stored", async ({
    browser,
  }) => {
    const { patient, roomPath } = await acceptedPair(
      browser,
      MICHAEL,
      `Forgery Target ${Math.random().toString(36).slice(2, 7)}`,
      { day: 5, slot: 6 },
    );
    const roomId = roomPath.split("/").pop()!;
    const endpoint = `/api/rooms/${roomId}/messages`;
    const body = `Forged message ${Date.now()}`;
    // patient.request carries the patient's session cookie, as a browser would on a forged POST.
    const send = (headers: Record<string, string>) =>
      patient.request.post(endpoint, { headers, data: { clientId: crypto.randomUUID(), body } });

    const forgeries: Record<string, string>[] = [
      { origin: EVIL },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { referer: `${EVIL}/attack` },
      {},
    ];
    for (const headers of forgeries) {
      const forged = await send(headers);
      expect(forged.status(), JSON.stringify(headers)).toBe(403);
      expect(((await forged.json()) as { error?: unknown }).error, JSON.stringify(headers)).toEqual(expect.any(String));
    }
    const thread = await patient.request.get(`${endpoint}?after=0`);
    expect(thread.status()).toBe(200);
    expect(JSON.stringify(await thread.json())).not.toContain(body);

    // From the app's own page it goes through: the refusals were about the origin alone.
    const genuine = await send({ origin: new URL(BASE_URL).origin });
    expect(genuine.status()).toBeLessThan(300);
    const after = await patient.request.get(`${endpoint}?after=0`);
    expect(JSON.stringify(await after.json())).toContain(body);
    await patient.context().close();
  });
});
