"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import type { RecentMessageJson } from "@/lib/chat/json";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys, refetchEvery } from "@/lib/client/query-keys";
import { displayName } from "@/lib/shared/display-name";
import { formatInstant } from "@/lib/shared/format";

/** "Recent messages": the newest received across all rooms, unread marked; refreshes on its own. */
export function RecentMessagesPanel({
  initial,
  timeZone,
  fromLabel,
}: {
  initial: RecentMessageJson[];
  timeZone: string;
  fromLabel: string;
}) {
  const {
    data = initial,
    isError,
    isFetching,
    refetch,
  } = useQuery({
    queryKey: keys.recentMessages(),
    queryFn: async () => (await fetchJson<{ messages: RecentMessageJson[] }>("/api/recent-messages")).messages,
    initialData: initial,
    refetchInterval: refetchEvery("counters"),
    refetchOnWindowFocus: true,
  });
  const format = { format: (at: string | Date) => formatInstant(at, "dayMonthTime", timeZone) };
  return (
    <Card
      title="Recent messages"
      action={
        <Link href="/chat" className="text-sm font-medium text-brand-700 underline">
          All messages
        </Link>
      }
    >
      {isError ? (
        <div
          role="alert"
          className="mb-3 flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          Could not refresh your messages.
          <Button size="sm" variant="secondary" onClick={() => void refetch()} disabled={isFetching}>
            {isFetching ? "Retrying…" : "Retry"}
          </Button>
        </div>
      ) : null}
      {data.length === 0 ? (
        <EmptyState title="No messages yet">Messages {fromLabel} will show here.</EmptyState>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-200" aria-busy={isFetching}>
          {data.map((m) => {
            const name = displayName(m.sender);
            return (
              <li key={`${m.roomId}:${m.seq}`}>
                <Link href={`/chat/${m.roomId}`} className="flex items-start gap-3 py-3 hover:bg-slate-50">
                  <span
                    className={`mt-1.5 size-2 shrink-0 rounded-full ${m.unread ? "bg-brand-700" : "bg-transparent"}`}
                    aria-hidden="true"
                  />
                  <span className="min-w-0 flex-1">
                    <span className="flex items-baseline justify-between gap-2">
                      <span
                        className={`truncate ${m.unread ? "font-semibold text-slate-900" : "font-medium text-slate-800"}`}
                      >
                        {name}
                      </span>
                      <time dateTime={m.createdAt} className="shrink-0 text-xs text-slate-600">
                        {format.format(new Date(m.createdAt))}
                      </time>
                    </span>
                    <span className="block truncate text-sm text-slate-700">{m.body.replace(/\s+/g, " ")}</span>
                    {m.unread ? <span className="text-xs font-medium text-brand-800">Unread</span> : null}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
