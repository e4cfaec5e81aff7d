import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "@/lib/shared/model";
import { afterSignInPath, areaRole, isProtectedPath, roleHome } from "./roles";

describe("roleHome", () => {
  it("sends each role to its own area", () => {
    expect(roleHome("patient")).toBe("/patient");
    expect(roleHome("doctor")).toBe("/doctor");
    expect(roleHome("admin")).toBe("/admin");
  });
});

describe("afterSignInPath", () => {
  it("returns a local page of the person's own area", () => {
    expect(afterSignInPath("/patient/appointments", "patient")).toBe("/patient/appointments");
    expect(afterSignInPath("/doctor", "doctor")).toBe("/doctor");
    expect(afterSignInPath("/admin/users", "admin")).toBe("/admin/users");
  });

  it("returns shared pages", () => {
    expect(afterSignInPath("/account", "admin")).toBe("/account");
    expect(afterSignInPath("/chat/abc", "patient")).toBe("/chat/abc");
    expect(afterSignInPath("/chat", "doctor")).toBe("/chat");
  });

  it("keeps the query string and drops the fragment", () => {
    expect(afterSignInPath("/patient/book?doctor=42&day=2030-01-01", "patient")).toBe(
      "/patient/book?doctor=42&day=2030-01-01",
    );
    expect(afterSignInPath("/chat/r1?focus=1#last", "doctor")).toBe("/chat/r1?focus=1");
  });

  it("refuses another role's area", () => {
    expect(afterSignInPath("/admin", "patient")).toBe("/patient");
    expect(afterSignInPath("/admin/users?x=1", "doctor")).toBe("/doctor");
    expect(afterSignInPath("/doctor/schedule", "patient")).toBe("/patient");
    expect(afterSignInPath("/patient", "admin")).toBe("/admin");
  });

  it("does not mistake a look-alike prefix for an area", () => {
    // "/administrator" is not the /admin area, and not a known page either: it is still local.
    expect(afterSignInPath("/administrator", "patient")).toBe("/administrator");
  });

  it("refuses dot segments that climb into another area", () => {
    expect(afterSignInPath("/patient/../admin", "patient")).toBe("/patient");
    expect(afterSignInPath("/patient/%2e%2e/admin", "patient")).toBe("/patient");
  });

  it.each([
    "//evil.com",
    "//evil.com/patient",
    "/\\evil.com",
    "/\\/evil.com",
    "https://evil.com",
    "https://evil.com/patient",
    "http:evil.com",
    "javascript:alert(1)",
    "javascript:alert(document.cookie)//",
    "evil.com",
    "patient",
    " /patient",
  ])("refuses %j, sending home", (callbackUrl) => {
    for (const role of ROLES) expect(afterSignInPath(callbackUrl, role)).toBe(roleHome(role));
  });

  it("refuses a backslash or tab that a browser would read as //", () => {
    for (const url of ["/\t/evil.com", "/\\\\evil.com", "/%5C%5Cevil.com"]) {
      const result = afterSignInPath(url, "patient");
      // Whatever it answers must be a path on this site, never a protocol-relative URL.
      expect(result.startsWith("/")).toBe(true);
      expect(result.startsWith("//")).toBe(false);
      expect(result.startsWith("/\\")).toBe(false);
      expect(new URL(result, "http://carebridge.invalid").origin).toBe("http://carebridge.invalid");
    }
  });

  it.each([undefined, null, "", "/", "/login", "/register", "/login?callbackUrl=/admin", "/?x=1"])(
    "sends %j home",
    (callbackUrl) => {
      for (const role of ROLES) expect(afterSignInPath(callbackUrl, role)).toBe(roleHome(role));
    },
  );

  it("never sends an admin to the chat", () => {
    expect(afterSignInPath("/chat", "admin")).toBe("/admin");
    expect(afterSignInPath("/chat/room-1?x=1", "admin")).toBe("/admin");
    expect(afterSignInPath("/chat/", "admin")).toBe("/admin");
  });
});

describe("isProtectedPath", () => {
  it.each([
    "/patient",
    "/patient/book",
    "/doctor",
    "/doctor/x/y",
    "/admin",
    "/admin/users",
    "/chat",
    "/chat/1",
    "/account",
  ])("protects %s", (path) => expect(isProtectedPath(path)).toBe(true));

  it.each([
    "/",
    "/login",
    "/register",
    "/api/auth/session",
    "/patients",
    "/administrator",
    "/chatroom",
    "/accounts",
    "/about/patient",
  ])("leaves %s open", (path) => expect(isProtectedPath(path)).toBe(false));
});

describe("areaRole", () => {
  it("names the owner of a role's area", () => {
    const cases: [string, Role][] = [
      ["/patient", "patient"],
      ["/patient/appointments/1", "patient"],
      ["/doctor", "doctor"],
      ["/doctor/schedule", "doctor"],
      ["/admin", "admin"],
      ["/admin/audit", "admin"],
    ];
    for (const [path, role] of cases) expect(areaRole(path)).toBe(role);
  });

  it("gives null for shared and public areas and look-alikes", () => {
    for (const path of ["/chat", "/chat/1", "/account", "/", "/login", "/patients", "/doctors", "/administrator"]) {
      expect(areaRole(path)).toBeNull();
    }
  });
});

describe("afterSignInPath after URL normalisation", () => {
  it.each(["/.//evil.com", "/%2e//evil.com/x?y=1", "/patient/..//evil.com", "/./\\evil.com"])(
    "never leaves the site for %j",
    (target) => {
      const path = afterSignInPath(target, "patient");
      expect(path.startsWith("//")).toBe(false);
      expect(path.startsWith("/\\")).toBe(false);
      expect(path).toBe("/patient");
    },
  );
});
