"use client";

import { ErrorPanel } from "@/components/error-panel";

export function AreaError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel reset={reset} digest={error.digest} />;
}
