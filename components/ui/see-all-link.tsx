import Link from "next/link";

export function SeeAllLink({ href, children }: { href: string; children: string }) {
  return (
    <Link href={href} className="text-sm font-medium text-brand-700 underline">
      {children}
    </Link>
  );
}
