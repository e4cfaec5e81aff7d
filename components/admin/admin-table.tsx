import type { ReactNode } from "react";

/**
 * The admin area's table: scrolls sideways on a phone, a caption for screen readers, one header
 * row. An empty column name is an actions column (named for screen readers only). Children are the rows.
 */
export function AdminTable({
  caption,
  columns,
  minWidth,
  children,
}: {
  caption: string;
  columns: string[];
  minWidth: "40rem" | "48rem";
  children: ReactNode;
}) {
  return (
    // Focusable, so that a keyboard can scroll a table wider than the screen.
    <div
      role="region"
      aria-label={caption}
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-700"
    >
      <table className={`w-full text-left text-sm ${minWidth === "40rem" ? "min-w-[40rem]" : "min-w-[48rem]"}`}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            {columns.map((c, i) => (
              <th key={`${c}-${i}`} scope="col" className="px-4 py-2 font-medium">
                {c || <span className="sr-only">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}
