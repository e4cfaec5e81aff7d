"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main">
      <ErrorPanel reset={reset} digest={error.digest} />
    </main>
  );
}
