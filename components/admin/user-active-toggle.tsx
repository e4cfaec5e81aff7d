"use client";

import { endUserSessionsAction, setUserActiveAction } from "@/app/(admin)/admin/actions";
import { ConfirmButton } from "./confirm-button";

export function UserActiveToggle({ userId, name, active }: { userId: string; name: string; active: boolean }) {
  return active ? (
    <ConfirmButton
      label="Deactivate"
      srLabel={name}
      title={`Deactivate ${name}?`}
      description="They will be signed out at their next request and cannot sign in until reactivated. Their data is kept."
      confirmLabel="Deactivate"
      done={`${name} is deactivated.`}
      danger
      run={() => setUserActiveAction({ userId, active: false })}
    />
  ) : (
    <ConfirmButton
      label="Reactivate"
      srLabel={name}
      title={`Reactivate ${name}?`}
      description="They will be able to sign in again."
      confirmLabel="Reactivate"
      done={`${name} is active again.`}
      run={() => setUserActiveAction({ userId, active: true })}
    />
  );
}

/** Signs a user out on every device (a lost phone, a shared computer). */
export function EndSessionsButton({ userId, name, sessions }: { userId: string; name: string; sessions: number }) {
  if (sessions === 0) return null;
  return (
    <ConfirmButton
      label="End sessions"
      srLabel={name}
      title={`Sign ${name} out everywhere?`}
      description={`${sessions} signed-in ${sessions === 1 ? "session ends" : "sessions end"} at once, on every device. They can sign in again with their password.`}
      confirmLabel="End all sessions"
      done={`${name} is signed out everywhere.`}
      danger
      run={() => endUserSessionsAction({ userId })}
    />
  );
}
