"use client";

import { useTransition } from "react";
import { Button } from "./ui/button";
import { useSignOut } from "./use-sign-out";

export function SignOutButton() {
  const signOut = useSignOut();
  const [pending, startTransition] = useTransition();
  return (
    <Button variant="secondary" size="sm" disabled={pending} onClick={() => startTransition(() => signOut())}>
      {pending ? "Signing out…" : "Sign out"}
    </Button>
  );
}
