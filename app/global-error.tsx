"use client";

import { ErrorPanel } from "@/components/error-panel";
import "./globals.css";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main id="main">
          <ErrorPanel reset={reset} digest={error.digest} />
        </main>
      </body>
    </html>
  );
}
