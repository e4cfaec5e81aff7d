"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys, refetchEvery } from "@/lib/client/query-keys";

/** The signed-in user's unread total, shared by every badge on the page (one query). */
export function useUnreadTotal(initial: number): number {
  const { data } = useQuery({
    queryKey: keys.unread(),
    queryFn: async () => (await fetchJson<{ total: number }>("/api/unread")).total,
    initialData: initial,
    refetchInterval: refetchEvery("counters"),
    refetchOnWindowFocus: true,
  });
  return data;
}

const PREFIX = /^\(\d+\) /;

/** Keeps the tab title starting with "(N)" while N messages are unread, across navigations. */
export function useUnreadTitle(total: number): void {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(PREFIX, "");
      const wanted = total > 0 ? `(${total}) ${base}` : base;
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    // Next rewrites the title on navigation: put the count back each time.
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = document.title.replace(PREFIX, "");
    };
  }, [total]);
}

export function UnreadBadge({ total }: { total: number }) {
  if (total <= 0) return null;
  return (
    <span
      className="ml-2 inline-flex min-w-5 items-center justify-center rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white"
      data-testid="unread-badge"
    >
      {total > 99 ? "99+" : total}
      <span className="sr-only"> unread</span>
    </span>
  );
}
