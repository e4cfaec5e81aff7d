import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { requireRole } from "@/lib/auth/gate";

// Notification settings belong to patients and doctors (admins get no notifications).
export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const user = await requireRole("patient", "doctor");
  return <AppShell user={user}>{children}</AppShell>;
}
