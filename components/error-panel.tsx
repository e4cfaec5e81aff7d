"use client";

import Link from "next/link";
import { Button, buttonClasses } from "./ui/button";

/** What every error boundary shows: a calm message, a retry and a way home; never a stack trace. */
export function ErrorPanel({ reset, digest }: { reset: () => void; digest?: string }) {
  return (
    <div role="alert" className="mx-auto flex max-w-xl flex-col items-start gap-4 px-4 py-12">
      <h1 className="text-2xl font-semibold text-slate-900">Something went wrong</h1>
      <p className="text-slate-700">
        We could not load this page. Nothing you entered was lost. Try again in a moment; if it keeps happening, contact
        support{digest ? ` and quote reference ${digest}` : ""}.
      </p>
      <div className="flex gap-3">
        <Button onClick={reset}>Try again</Button>
        <Link href="/" className={buttonClasses("secondary")}>
          Go to my home page
        </Link>
      </div>
    </div>
  );
}
