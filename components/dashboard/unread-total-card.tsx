"use client";

import Link from "next/link";
import { useUnreadTotal } from "@/components/unread";

/**
 * The total of unread messages, from the same live query as the navigation badge. Its name is its
 * visible words ("Unread messages 4"), so speech input and screen readers agree with the screen.
 */
export function UnreadTotalCard({ initial }: { initial: number }) {
  const total = useUnreadTotal(initial);
  return (
    <Link
      href="/chat"
      className="flex items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:bg-slate-50"
    >
      <span className="text-sm font-medium text-slate-700">Unread messages</span>
      <span
        data-testid="unread-total"
        className={`text-2xl font-semibold ${total > 0 ? "text-brand-800" : "text-slate-500"}`}
      >
        {total}
      </span>
    </Link>
  );
}
