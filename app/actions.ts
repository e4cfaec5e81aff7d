"use server";

import { signOut } from "@/lib/auth";
import { recordAudit } from "@/lib/audit";
import { getCurrentUser } from "@/lib/authz";

export async function signOutAction(): Promise<void> {
  const user = await getCurrentUser();
  if (user) await recordAudit({ actorId: user.id, action: "auth.sign_out", targetType: "user", targetId: user.id });
  await signOut({ redirectTo: "/login" });
}
