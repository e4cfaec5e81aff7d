"use server";

import { signOut } from "@/lib/auth";
import { recordAudit } from "@/lib/audit";
import { getCurrentUser } from "@/lib/authz";
import { publish } from "@/lib/realtime";

/** Ends the session; the client then clears what it held and reloads (SignOutButton). */
export async function signOutAction(): Promise<void> {
  const user = await getCurrentUser();
  if (user) await recordAudit({ actorId: user.id, action: "auth.sign_out", targetType: "user", targetId: user.id });
  await signOut({ redirect: false });
  // This browser's other tabs stop receiving live updates (their streams end and, finding no
  // session, go to the sign-in page); the account's other devices simply reconnect.
  if (user) await publish([user.id], { type: "session-ended" });
}
