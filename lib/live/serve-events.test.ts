import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { revokeSession } from "@/lib/auth/sessions";
import { cookieAuthModule, signedInAccount } from "@/test/cookie-session";
import { setupTestDatabase } from "@/test/db";
import { liveHub } from "./hub";
import { isLiveEventsRequest, serveLiveEvents } from "./serve-events";

vi.mock("@/lib/auth/auth-js", () => cookieAuthModule());

const SECRET = "s".repeat(44);
const t = setupTestDatabase();
let origin = "";
let server: http.Server;

beforeAll(async () => {
  vi.stubEnv("AUTH_SECRET", SECRET);
  server = http.createServer((req, res) => {
    if (isLiveEventsRequest(req)) void serveLiveEvents(req, res);
    else res.writeHead(418).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await liveHub().close();
  vi.unstubAllEnvs();
});

const signedIn = (role: "patient" | "doctor" | "admin", options: { secure?: boolean } = {}) =>
  signedInAccount(t.handle.db, SECRET, role, options);

/** Opens the stream; the response, and a reader of its text until a given piece arrives. */
async function open(headers: Record<string, string>, path = "/api/events") {
  const abort = new AbortController();
  const response = await fetch(`${origin}${path}`, { headers, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    response,
    abort: () => abort.abort(),
    async until(piece: string) {
      while (!text.includes(piece)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${piece}; got ${text}`);
        text += decoder.decode(value);
      }
      return text;
    },
  };
}

describe("the live event stream served before Next", () => {
  it("is only GET /api/events (with or without a query)", () => {
    const req = (method: string, url: string) => ({ method, url }) as http.IncomingMessage;
    expect(isLiveEventsRequest(req("GET", "/api/events"))).toBe(true);
    expect(isLiveEventsRequest(req("GET", "/api/events?x=1"))).toBe(true);
    expect(isLiveEventsRequest(req("POST", "/api/events"))).toBe(false);
    expect(isLiveEventsRequest(req("GET", "/api/events/x"))).toBe(false);
    expect(isLiveEventsRequest(req("GET", "/api/eventsx"))).toBe(false);
  });

  it("refuses as the route does: no session 401, an admin 404, a signed-out session 401, each as JSON with the security headers", async () => {
    const none = await fetch(`${origin}/api/events`);
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/json");
    expect(none.headers.get("x-content-type-options")).toBe("nosniff");
    expect(none.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await none.json()).toEqual({ error: expect.stringContaining("Sign in again") });

    const admin = await signedIn("admin");
    expect((await fetch(`${origin}/api/events`, { headers: { cookie: admin.cookie } })).status).toBe(404);

    const patient = await signedIn("patient");
    await revokeSession(patient);
    expect((await fetch(`${origin}/api/events`, { headers: { cookie: patient.cookie } })).status).toBe(401);

    const forged = await signedIn("patient");
    const tampered = forged.cookie.slice(0, -4) + "AAAA";
    expect((await fetch(`${origin}/api/events`, { headers: { cookie: tampered } })).status).toBe(401);
  });

  it("reads the cookie by the name the connection's scheme gives it, as Next does", async () => {
    const secure = await signedIn("patient", { secure: true });
    // Plain http: the __Secure- cookie is not the session cookie here.
    expect((await fetch(`${origin}/api/events`, { headers: { cookie: secure.cookie } })).status).toBe(401);
    // Behind a proxy that says https, it is.
    const stream = await open({ cookie: secure.cookie, "x-forwarded-proto": "https" });
    expect(stream.response.status).toBe(200);
    await stream.until('"type":"ready"');
    stream.abort();
  });

  it("streams the signed-in person's own events and stops holding them when the client leaves", async () => {
    const [patient, other] = await Promise.all([signedIn("patient"), signedIn("doctor")]);
    const before = liveHub().listenerCount();
    const stream = await open({ cookie: patient.cookie });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(stream.response.headers.get("cache-control")).toBe("no-store, no-transform");
    await stream.until('"type":"ready"');
    expect(liveHub().listenerCount()).toBe(before + 1);

    const roomId = crypto.randomUUID();
    await liveHub().publish([other.userId], { type: "room", roomId: crypto.randomUUID() });
    await liveHub().publish([patient.userId], { type: "room", roomId });
    const text = await stream.until(roomId);
    // Only the patient's own event reached the patient's stream.
    expect(text.match(/"type":"room"/g)).toHaveLength(1);

    stream.abort();
    await vi.waitFor(() => expect(liveHub().listenerCount()).toBe(before), { timeout: 5_000 });
  });
});
