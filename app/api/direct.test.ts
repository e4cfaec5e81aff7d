import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { roomMembers } from "@/db/schema";
import { sendMessage } from "@/lib/chat/messages";
import { revokeSession } from "@/lib/auth/sessions";
import { liveHub } from "@/lib/live/hub";
import { cookieAuthModule, signedInAccount } from "@/test/cookie-session";
import { setupTestDatabase } from "@/test/db";
import { makeRoom } from "@/test/matrix/world";
import { acceptsGzip, directRoute, serveBeforeNext } from "./direct";

vi.mock("@/lib/auth/auth-js", () => cookieAuthModule());

const SECRET = "d".repeat(44);
const t = setupTestDatabase();
let origin = "";
let server: http.Server;

beforeAll(async () => {
  vi.stubEnv("AUTH_SECRET", SECRET);
  // As scripts/next-server.mjs: what is not answered before Next goes to Next (here a teapot).
  server = http.createServer((req, res) => {
    if (!serveBeforeNext(req, res)) res.writeHead(418).end("next");
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

const person = (role: "patient" | "doctor" | "admin") => signedInAccount(t.handle.db, SECRET, role);

async function couple() {
  const [patient, doctor] = await Promise.all([person("patient"), person("doctor")]);
  const room = await makeRoom(t.handle.db, patient.userId, doctor.userId);
  return { patient, doctor, roomId: room.roomId };
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${origin}${path}`, { headers });

describe("the endpoints answered before Next", () => {
  it("are only the hot JSON doors, by method and exact path; anything else goes on to Next", () => {
    const route = (method: string, url: string) => directRoute({ method, url })?.params ?? null;
    const room = crypto.randomUUID();
    expect(route("GET", "/api/unread")).toEqual({});
    expect(route("GET", "/api/conversations?before=x")).toEqual({});
    expect(route("GET", "/api/recent-messages")).toEqual({});
    expect(route("GET", `/api/rooms/${room}/messages?after=3`)).toEqual({ roomId: room });
    expect(route("POST", `/api/rooms/${room}/read`)).toEqual({ roomId: room });
    expect(route("GET", "/api/rooms/a%20b/messages")).toEqual({ roomId: "a b" });
    for (const [method, url] of [
      ["POST", "/api/unread"],
      ["HEAD", "/api/unread"],
      ["GET", "/api/unread/"],
      ["GET", "/api/unreadx"],
      ["GET", `/api/rooms/${room}/read`],
      ["POST", `/api/rooms/${room}/messages`],
      ["GET", `/api/rooms/${room}/messages/x`],
      ["GET", "/api/rooms/%E0%A4%A/messages"],
      ["GET", "/api/events"],
      ["GET", "/patient"],
    ])
      expect(route(method!, url!), `${method} ${url}`).toBeNull();
  });

  it("refuse as the route handlers do, with the security headers", async () => {
    const none = await get("/api/unread");
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/json");
    expect(none.headers.get("x-content-type-options")).toBe("nosniff");
    expect(none.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await none.json()).toEqual({ error: expect.stringContaining("Sign in again") });

    const { patient, roomId } = await couple();
    const admin = await person("admin");
    expect((await get(`/api/rooms/${roomId}/messages?after=0`, { cookie: admin.cookie })).status).toBe(404);
    const stranger = await person("patient");
    expect((await get(`/api/rooms/${roomId}/messages?after=0`, { cookie: stranger.cookie })).status).toBe(404);
    const bad = await get(`/api/rooms/${roomId}/messages?after=-1`, { cookie: patient.cookie });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.any(String) });

    await revokeSession(patient);
    expect((await get("/api/unread", { cookie: patient.cookie })).status).toBe(401);
  });

  it("answer the signed-in member's own data, small answers uncompressed", async () => {
    const { patient, doctor, roomId } = await couple();
    const unread = await get("/api/unread", { cookie: patient.cookie, "accept-encoding": "gzip" });
    expect(unread.status).toBe(200);
    expect(unread.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(unread.headers.get("content-encoding")).toBeNull();
    expect(unread.headers.get("x-content-type-options")).toBe("nosniff");
    expect(unread.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await unread.json()).toEqual({ total: 1 });

    const poll = await get(`/api/rooms/${roomId}/messages?after=1`, { cookie: doctor.cookie });
    const { messages } = (await poll.json()) as { messages: { seq: number; senderId: string }[] };
    expect(messages).toEqual([expect.objectContaining({ seq: 2, senderId: doctor.userId })]);

    const list = await get("/api/conversations", { cookie: doctor.cookie });
    expect(((await list.json()) as { conversations: { roomId: string }[] }).conversations.map((c) => c.roomId)).toEqual(
      [roomId],
    );
    const recent = await get("/api/recent-messages", { cookie: patient.cookie });
    expect(((await recent.json()) as { messages: { roomId: string }[] }).messages.map((m) => m.roomId)).toEqual([
      roomId,
    ]);
  });

  it("compress an answer of 1 kB or more when the client accepts gzip, and only then", async () => {
    const { patient, doctor, roomId } = await couple();
    for (let i = 0; i < 6; i++)
      await sendMessage({
        roomId,
        senderId: doctor.userId,
        clientId: crypto.randomUUID(),
        body: `Line ${i} `.repeat(40),
      });
    const raw = (encoding: string) =>
      new Promise<{ headers: http.IncomingHttpHeaders; bytes: number }>((resolve, reject) => {
        http
          .get(
            `${origin}/api/rooms/${roomId}/messages?after=0`,
            { headers: { cookie: patient.cookie, "accept-encoding": encoding } },
            (res) => {
              let bytes = 0;
              res.on("data", (chunk: Buffer) => (bytes += chunk.length));
              res.on("end", () => resolve({ headers: res.headers, bytes }));
            },
          )
          .on("error", reject);
      });
    const zipped = await raw("br, gzip;q=0.8");
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers["x-frame-options"]).toBe("DENY");
    expect(zipped.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(zipped.headers.vary).toContain("Accept-Encoding");
    const plain = await raw("gzip;q=0, identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(Number(plain.headers["content-length"])).toBe(plain.bytes);
    expect(plain.bytes).toBeGreaterThan(1024);
    expect(zipped.bytes).toBeLessThan(plain.bytes / 2);
    // fetch undoes the gzip: the same messages either way.
    const body = await (await get(`/api/rooms/${roomId}/messages?after=0`, { cookie: patient.cookie })).json();
    expect((body as { messages: unknown[] }).messages).toHaveLength(8);
  });

  it("mark read only for a request from the app's own pages, moving the member's cursor", async () => {
    const { patient, roomId } = await couple();
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${origin}/api/rooms/${roomId}/read`, {
        method: "POST",
        headers: { cookie: patient.cookie, "content-type": "application/json", ...headers },
        body,
      });
    const cursor = async () =>
      (
        await t.handle.db
          .select({ seq: roomMembers.lastReadSeq })
          .from(roomMembers)
          .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, patient.userId)))
      )[0]!.seq;

    const forged = await post({ origin: "https://evil.example" }, JSON.stringify({ seq: 2 }));
    expect(forged.status).toBe(403);
    expect(await cursor()).toBe(0);
    expect((await post({ origin }, "{")).status).toBe(400);
    expect((await post({ origin }, JSON.stringify({ seq: "2" }))).status).toBe(400);

    const read = await post({ origin }, JSON.stringify({ seq: 2 }));
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ lastReadSeq: 2, roomUnread: 0, unreadTotal: 0 });
    expect(await cursor()).toBe(2);
  });

  it("read the session cookie by the name the scheme gives it, whatever a proxy chain wrote", async () => {
    const { patient } = await couple();
    const secure = (await signedInAccount(t.handle.db, SECRET, "patient", { secure: true })).cookie;
    expect((await get("/api/unread", { cookie: secure })).status).toBe(401);
    expect((await get("/api/unread", { cookie: secure, "x-forwarded-proto": "https" })).status).toBe(200);
    // Values Next passes on without a fuss must not break these doors either.
    for (const proto of ["https, http", "", "not a scheme"])
      expect((await get("/api/unread", { cookie: patient.cookie, "x-forwarded-proto": proto })).status, proto).toBe(
        200,
      );
    expect((await get("/api/unread", { cookie: patient.cookie, host: "[::1" })).status).toBe(200);
  });

  it("refuse a mark-read body over 64 kB, declared or not, and keep serving the connection's next request", async () => {
    const { patient, roomId } = await couple();
    const post = (body: string | ReadableStream<Uint8Array>, cookie = patient.cookie) =>
      fetch(`${origin}/api/rooms/${roomId}/read`, {
        method: "POST",
        headers: { cookie, origin, "content-type": "application/json" },
        body,
        ...(typeof body === "string" ? {} : { duplex: "half" }),
      } as RequestInit);
    const big = JSON.stringify({ seq: 1, pad: "x".repeat(70 * 1024) });
    expect((await post(big)).status).toBe(413);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(10 * 1024)));
        controller.close();
      },
    });
    expect((await post(chunked)).status).toBe(413);
    // Signed out, with a good origin and a good body: the gate's refusal.
    expect((await post(JSON.stringify({ seq: 1 }), "authjs.session-token=nope")).status).toBe(401);
    expect((await post(JSON.stringify({ seq: 1 }))).status).toBe(200);
  });

  it("leave everything else to Next", async () => {
    expect(await (await get("/api/unread/")).text()).toBe("next");
    expect(await (await get("/patient")).text()).toBe("next");
  });
});

describe("acceptsGzip", () => {
  it.each([
    ["gzip", true],
    ["gzip, deflate, br", true],
    ["br;q=1.0, gzip;q=0.5", true],
    ["*", true],
    ["GZIP", true],
    ["gzip;q=0", false],
    ["gzip;q=0, *", false],
    ["*;q=0, gzip", true],
    ["gzip;q=0.0, identity", false],
    ["identity", false],
    ["x-gzip2", false],
    ["", false],
  ])("%j → %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
