"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { signOutAction } from "@/app/actions";
import { stopLiveUpdates } from "./live-updates";

/**
 * Signs out, then forgets everything this tab held for the account (cached queries, unsent drafts)
 * and loads `destination` in full, so the next person on a shared computer sees nothing of it.
 */
export function useSignOut(): (destination?: string) => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(
    async (destination = "/login") => {
      stopLiveUpdates();
      try {
        await signOutAction();
      } catch {
        // Offline or the server is down: the page below still forgets everything it held.
      }
      queryClient.clear();
      try {
        for (const key of Object.keys(localStorage)) if (key.startsWith("carebridge:")) localStorage.removeItem(key);
      } catch {
        // storage unavailable: nothing kept there
      }
      // A full load on purpose: nothing of this account's client state may survive.
      window.location.assign(destination);
    },
    [queryClient],
  );
}
