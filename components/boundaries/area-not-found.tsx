import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export function AreaNotFound() {
  return (
    <div className="flex flex-col items-start gap-4 py-8">
      <h1 className="text-2xl font-semibold text-slate-900">Not found</h1>
      <p className="text-slate-700">
        We could not find what you were looking for. It may have been removed, or the link may be wrong.
      </p>
      <Link href="/" className={buttonClasses("primary")}>
        Go to my home page
      </Link>
    </div>
  );
}
