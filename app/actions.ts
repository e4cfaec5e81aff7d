"use server";

import { signOut } from "@/lib/auth/auth-js";
import { recordAudit } from "@/lib/audit";
import { getCurrentSession } from "@/lib/auth/gate";
import { publish } from "@/lib/live/hub";
import { revokeSession } from "@/lib/auth/sessions";

/**
 * Ends this session for good (revoked, so no cookie of it is accepted again); the client then
 * clears what it held and reloads (useSignOut).
 */
export async function signOutAction(): Promise<void> {
  const current = await getCurrentSession();
  if (current) {
    await revokeSession({ sessionId: current.sessionId, userId: current.user.id });
    await recordAudit({
      actorId: current.user.id,
      action: "auth.sign_out",
      targetType: "user",
      targetId: current.user.id,
    });
  }
  await signOut({ redirect: false });
  // This session's other tabs stop receiving live updates (their streams end and, finding no
  // session, go to the sign-in page); the account's other devices are not affected.
  if (current) await publish([current.user.id], { type: "session-ended", sessionId: current.sessionId });
}
