"use server";

import { signOut } from "@/lib/auth";
import { recordAudit } from "@/lib/audit";
import { getCurrentSession } from "@/lib/authz";
import { publish } from "@/lib/realtime";
import { revokeSession } from "@/lib/sessions";

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
