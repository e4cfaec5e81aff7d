"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Toaster } from "sonner";
import { TimeZoneSync } from "./time-zone-sync";

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab; staleTime above 0 so server-seeded data is not refetched at once.
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: true, retry: 2 } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TimeZoneSync />
      {children}
      {/* Bottom right, clear of the header's navigation; on a phone above the bottom bar (4 rem). */}
      <Toaster
        richColors
        position="bottom-right"
        mobileOffset={{ bottom: "calc(4rem + 12px + env(safe-area-inset-bottom))" }}
        closeButton
      />
    </QueryClientProvider>
  );
}
