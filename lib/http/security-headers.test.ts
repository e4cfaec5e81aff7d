import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, NON_DOCUMENT_CSP, staticSecurityHeaders } from "./security-headers";

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const directive of policy.split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) {
      expect(map.has(name), `${name} appears once`).toBe(false);
      map.set(name, sources);
    }
  }
  return map;
}

describe("createNonce", () => {
  it("is 16 random bytes in base64, new every time", () => {
    const nonces = Array.from({ length: 1000 }, createNonce);
    expect(new Set(nonces).size).toBe(1000);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    }
  });
});

describe("contentSecurityPolicy", () => {
  const nonce = createNonce();

  it("lets scripts run only with the request's nonce and what they load, never inline or eval", () => {
    const policy = directives(contentSecurityPolicy({ nonce }));
    expect(policy.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("keeps inline styles (style attributes, sonner) without a nonce that would switch them off", () => {
    const styleSrc = directives(contentSecurityPolicy({ nonce })).get("style-src") ?? [];
    expect(styleSrc).toContain("'unsafe-inline'");
    expect(styleSrc.some((s) => s.startsWith("'nonce-"))).toBe(false);
  });

  it("allows eval only in development", () => {
    expect(directives(contentSecurityPolicy({ nonce, dev: true })).get("script-src")).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy({ nonce, dev: false })).not.toContain("unsafe-eval");
  });

  it("upgrades insecure requests only for pages served over https", () => {
    expect(directives(contentSecurityPolicy({ nonce, https: true })).has("upgrade-insecure-requests")).toBe(true);
    expect(directives(contentSecurityPolicy({ nonce, https: false })).has("upgrade-insecure-requests")).toBe(false);
  });

  it("refuses a nonce that could smuggle directives into the header", () => {
    for (const bad of [
      "",
      "short",
      "abc' 'unsafe-inline",
      "aaaaaaaaaaaaaaaaaaaa; script-src *",
      "aaaaaaaaaaaaaaaa\r\nSet-Cookie: x=1",
    ]) {
      expect(() => contentSecurityPolicy({ nonce: bad }), JSON.stringify(bad)).toThrow(/nonce/);
    }
  });
});

describe("staticSecurityHeaders", () => {
  const byKey = (production: boolean) => new Map(staticSecurityHeaders({ production }).map((h) => [h.key, h.value]));

  it("sends nosniff, DENY framing, a referrer policy and a permissions policy that switches off camera, microphone and location", () => {
    const headers = byKey(false);
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    for (const feature of ["camera", "microphone", "geolocation"])
      expect(headers.get("permissions-policy")).toContain(`${feature}=()`);
  });

  it("sends HSTS in production only", () => {
    expect(byKey(true).get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(byKey(false).has("strict-transport-security")).toBe(false);
  });

  it("uses lower-case keys, each once, and never a CSP (the proxy sends that, and two policies would both apply)", () => {
    const headers = staticSecurityHeaders({ production: true });
    const keys = headers.map((h) => h.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toBe(key.toLowerCase());
    expect(keys).not.toContain("content-security-policy");
  });
});

describe("NON_DOCUMENT_CSP", () => {
  it("lets nothing run in, or embed, a built file opened as a document", () => {
    const policy = directives(NON_DOCUMENT_CSP);
    expect(policy.get("default-src")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  });
});
