import type { ReactNode } from "react";
import type { Role } from "@/lib/shared/model";
import { requireRole } from "@/lib/auth/gate";
import { AppShell } from "./app-shell";

/** The layout of one role's area: anyone of another role gets not-found, never the content. */
export async function RoleLayout({ role, children }: { role: Role; children: ReactNode }) {
  const user = await requireRole(role);
  return <AppShell user={user}>{children}</AppShell>;
}
