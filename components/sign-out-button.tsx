"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTransition } from "react";
import { signOutAction } from "@/app/actions";
import { Button } from "./ui/button";

/**
 * Signs out, then forgets everything this tab held for the account (cached queries, unsent drafts)
 * and reloads the page, so the next person on a shared computer sees nothing of it.
 */
export function SignOutButton() {
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="secondary"
      size="sm"
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          await signOutAction();
          queryClient.clear();
          try {
            for (const key of Object.keys(localStorage)) if (key.startsWith("carebridge:")) localStorage.removeItem(key);
          } catch {
            // storage unavailable: nothing kept there
          }
          // A full load on purpose: nothing of this account's client state may survive.
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination
          window.location.assign("/login");
        })
      }
    >
      {pending ? "Signing out…" : "Sign out"}
    </Button>
  );
}
