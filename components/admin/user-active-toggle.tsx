"use client";

import { setUserActiveAction } from "@/app/(admin)/admin/actions";
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
