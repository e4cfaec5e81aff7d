import { describe, expect, it } from "vitest";
import { checkSameOrigin, requireSameOrigin } from "./same-origin";

function post(headers: Record<string, string>): Request {
  return new Request("http://localhost:3000/api/rooms/r1/messages", { method: "POST", headers });
}

describe("requireSameOrigin", () => {
  it("lets a request from this app's own pages through", () => {
    expect(requireSameOrigin(post({ host: "localhost:3000", origin: "http://localhost:3000" }))).toBeNull();
  });

  it("refuses a foreign Origin with 403 and a JSON error", async () => {
    const response = requireSameOrigin(post({ host: "localhost:3000", origin: "http://evil.example" }));
    expect(response?.status).toBe(403);
    expect(response?.headers.get("content-type")).toContain("application/json");
    const body = (await response?.json()) as { error?: unknown };
    expect(typeof body.error).toBe("string");
    expect(body.error).toMatch(/refused/);
  });

  it("refuses the same host name on another port, and a look-alike host", () => {
    expect(requireSameOrigin(post({ host: "localhost:3000", origin: "http://localhost:3001" }))?.status).toBe(403);
    expect(
      requireSameOrigin(post({ host: "carebridge.example", origin: "https://carebridge.example.evil.example" }))
        ?.status,
    ).toBe(403);
    expect(
      requireSameOrigin(post({ host: "carebridge.example", origin: "https://evil-carebridge.example" }))?.status,
    ).toBe(403);
  });

  it('refuses Origin "null" (sandboxed frames, file: pages) and non-http origins', () => {
    expect(requireSameOrigin(post({ host: "localhost:3000", origin: "null" }))?.status).toBe(403);
    expect(requireSameOrigin(post({ host: "localhost:3000", origin: "file://localhost:3000" }))?.status).toBe(403);
    expect(requireSameOrigin(post({ host: "localhost:3000", origin: "not a url" }))?.status).toBe(403);
  });
});

describe("checkSameOrigin", () => {
  it("takes the expected host from X-Forwarded-Host (first value) before Host, like Next's action check", () => {
    const behindProxy = { host: "10.0.0.5:3000", "x-forwarded-host": "carebridge.example, internal.lb" };
    expect(checkSameOrigin(new Headers({ ...behindProxy, origin: "https://carebridge.example" })).ok).toBe(true);
    expect(checkSameOrigin(new Headers({ ...behindProxy, origin: "http://10.0.0.5:3000" })).ok).toBe(false);
  });

  it("compares host names without regard to case", () => {
    expect(checkSameOrigin(new Headers({ host: "CareBridge.example", origin: "https://carebridge.EXAMPLE" })).ok).toBe(
      true,
    );
  });

  it("refuses when the request names no host at all", () => {
    expect(checkSameOrigin(new Headers({ origin: "http://localhost:3000" }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/Host/),
    });
  });

  it("decides by Origin alone when there is one, whatever Sec-Fetch-Site or Referer claim", () => {
    const headers = new Headers({
      host: "localhost:3000",
      origin: "http://evil.example",
      "sec-fetch-site": "same-origin",
      referer: "http://localhost:3000/chat",
    });
    expect(checkSameOrigin(headers).ok).toBe(false);
  });

  it("without Origin, accepts only Sec-Fetch-Site same-origin", () => {
    expect(checkSameOrigin(new Headers({ host: "localhost:3000", "sec-fetch-site": "same-origin" })).ok).toBe(true);
    for (const site of ["cross-site", "same-site", "none"]) {
      expect(checkSameOrigin(new Headers({ host: "localhost:3000", "sec-fetch-site": site })).ok, site).toBe(false);
    }
  });

  it("without Origin or Sec-Fetch-Site, falls back to the Referer's host", () => {
    expect(checkSameOrigin(new Headers({ host: "localhost:3000", referer: "http://localhost:3000/chat/r1" })).ok).toBe(
      true,
    );
    expect(
      checkSameOrigin(new Headers({ host: "localhost:3000", referer: "http://evil.example/localhost:3000" })).ok,
    ).toBe(false);
  });

  it("refuses a request that proves nothing (no Origin, Sec-Fetch-Site or Referer)", () => {
    expect(checkSameOrigin(new Headers({ host: "localhost:3000" }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/no Origin/),
    });
  });
});
