"use server";

import { signOut } from "@/lib/auth/auth-js";
import { admit } from "@/lib/auth/gate";
import { revokeSession } from "@/lib/auth/sessions";
import { recordAudit } from "@/lib/audit";
import { publish } from "@/lib/live/hub";

/**
 * Ends this session for good (revoked, so no cookie of it is accepted again); the client then
 * clears what it held and reloads (useSignOut). Anyone may sign out, a temporary password included.
 */
export async function signOutAction(): Promise<void> {
  const current = await admit({ allowTemporaryPassword: true });
  if (current.ok) {
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
  if (current.ok) await publish([current.user.id], { type: "session-ended", sessionId: current.sessionId });
}
