import type { Role } from "@/lib/shared/model";

const HOMES: Record<Role, string> = { patient: "/patient", doctor: "/doctor", admin: "/admin" };

export function roleHome(role: Role): string {
  return HOMES[role];
}

export const ROLE_LABELS: Record<Role, string> = { patient: "Patient", doctor: "Doctor", admin: "Administrator" };

/** Areas only signed-in people may open (the proxy sends others to /login). */
export const PROTECTED_PREFIXES = ["/patient", "/doctor", "/admin", "/chat", "/account"] as const;

export function isProtectedPath(pathname: string): boolean {
  return PROTECTED_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/** The role an area belongs to, or null for areas shared by several roles. */
export function areaRole(pathname: string): Role | null {
  for (const role of Object.keys(HOMES) as Role[]) {
    const home = HOMES[role];
    if (pathname === home || pathname.startsWith(`${home}/`)) return role;
  }
  return null;
}

/**
 * Where to go after signing in: the page the visitor asked for when it is a local path they may
 * open, else their home. Anything that could leave the site (//evil, /\evil, absolute URLs) is refused.
 */
export function afterSignInPath(callbackUrl: string | undefined | null, role: Role): string {
  if (!callbackUrl || !callbackUrl.startsWith("/") || callbackUrl.startsWith("//") || callbackUrl.startsWith("/\\")) {
    return roleHome(role);
  }
  let url: URL;
  try {
    url = new URL(callbackUrl, "http://carebridge.invalid");
  } catch {
    return roleHome(role);
  }
  if (url.origin !== "http://carebridge.invalid") return roleHome(role);
  const owner = areaRole(url.pathname);
  if (owner && owner !== role) return roleHome(role);
  if (url.pathname === "/" || url.pathname === "/login" || url.pathname === "/register") return roleHome(role);
  if (url.pathname === "/chat" || url.pathname.startsWith("/chat/")) {
    if (role === "admin") return roleHome(role);
  }
  // Checked again after normalisation: "/.//evil.com" and "/%2e//evil.com" become "//evil.com".
  const path = url.pathname + url.search;
  if (path.startsWith("//") || path.startsWith("/\\")) return roleHome(role);
  return path;
}
