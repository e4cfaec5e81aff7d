import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { requireRole } from "@/lib/auth/gate";

// Conversations belong to patients and doctors; admins (and anyone else) get not-found.
export default async function ChatLayout({ children }: { children: ReactNode }) {
  const user = await requireRole("patient", "doctor");
  return <AppShell user={user}>{children}</AppShell>;
}
