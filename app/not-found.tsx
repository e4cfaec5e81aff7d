import Link from "next/link";
import { connection } from "next/server";
import { buttonClasses } from "@/components/ui/button";

export default async function NotFound() {
  // Rendered per request, so Next's scripts on it carry that request's CSP nonce (proxy.ts).
  await connection();
  return (
    <main id="main" className="mx-auto flex min-h-[60vh] max-w-xl flex-col items-start justify-center gap-4 px-4 py-12">
      <h1 className="text-2xl font-semibold text-slate-900">Page not found</h1>
      <p className="text-slate-700">
        This page does not exist, or it is not one your account can open. Check the address, or go back to your home
        page.
      </p>
      <Link href="/" className={buttonClasses("primary")}>
        Go to my home page
      </Link>
    </main>
  );
}
