import Link from "next/link";

/** Previous / next links that keep the current filters. A total counted only so far reads "more than N". */
export function Pagination({
  of: { page, pageCount, total, more = false },
  params,
}: {
  /** The page of a list (lib/paging's Page): where it is, how many pages, how many rows were counted. */
  of: { page: number; pageCount: number; total: number; more?: boolean };
  params: Record<string, string | undefined>;
}) {
  const href = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    q.set("page", String(p));
    return `?${q.toString()}`;
  };
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100";
  return (
    <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
      <span>
        {more
          ? `Page ${page} of more than ${pageCount} · more than ${total} in all`
          : `Page ${page} of ${pageCount} · ${total} in all`}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link href={href(page - 1)} className={link}>
            Previous
          </Link>
        ) : null}
        {page < pageCount || more ? (
          <Link href={href(page + 1)} className={link}>
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
