"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { Button, buttonClasses } from "@/components/ui/button";
import type { ConversationJson, ConversationPageJson } from "@/lib/chat/json";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys, refetchEvery } from "@/lib/client/query-keys";
import { displayName } from "@/lib/shared/display-name";
import { formatInstant, sameDay } from "@/lib/shared/format";

function when(iso: string, timeZone: string): string {
  const date = new Date(iso);
  return formatInstant(date, sameDay(date, new Date(), timeZone) ? "time" : "dayMonth", timeZone);
}

const pageUrl = (before: string | null) =>
  before === null ? "/api/conversations" : `/api/conversations?before=${encodeURIComponent(before)}`;

/** The pages loaded so far as one list; a room is shown once even if two pages were fetched around its move. */
function flatten(pages: ConversationPageJson[]): ConversationJson[] {
  const seen = new Set<string>();
  const rows: ConversationJson[] = [];
  for (const page of pages) {
    for (const c of page.conversations) {
      if (seen.has(c.roomId)) continue;
      seen.add(c.roomId);
      rows.push(c);
    }
  }
  return rows;
}

/**
 * The user's conversations, newest activity first, a page at a time, with unread badges that stay
 * fresh: a refresh (polling, focus, or an invalidation after a live event) refetches every page
 * shown, from the first.
 */
export function ConversationList({
  meId,
  role,
  timeZone,
  initial,
}: {
  meId: string;
  role: "patient" | "doctor";
  timeZone: string;
  initial: ConversationPageJson;
}) {
  const {
    data,
    isRefetchError,
    isFetchNextPageError,
    refetch,
    fetchNextPage,
    hasNextPage,
    isFetchingNextPage,
    isFetching,
  } = useInfiniteQuery({
    queryKey: keys.conversations(),
    queryFn: ({ pageParam }) => fetchJson<ConversationPageJson>(pageUrl(pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initial], pageParams: [null] },
    refetchInterval: refetchEvery("counters"),
    refetchOnWindowFocus: true,
  });
  const conversations = flatten(data?.pages ?? [initial]);
  const list = useRef<HTMLUListElement>(null);
  // After "Show older conversations", keyboard focus moves to the first row that was added.
  const focusRow = useRef<number | null>(null);
  useEffect(() => {
    const row = focusRow.current;
    if (row === null || conversations.length <= row) return;
    focusRow.current = null;
    list.current?.querySelectorAll<HTMLAnchorElement>(":scope > li > a")[row]?.focus();
  }, [conversations.length]);

  function showOlder() {
    if (isFetchingNextPage) return;
    focusRow.current = conversations.length;
    void fetchNextPage().then((result) => {
      if (result.isError) focusRow.current = null;
    });
  }

  if (conversations.length === 0) {
    return (
      <EmptyState
        title="No conversations yet"
        action={
          role === "patient" ? (
            <Link href="/patient/doctors" className={buttonClasses("primary", "sm")}>
              Find a doctor
            </Link>
          ) : null
        }
      >
        {role === "patient"
          ? "A conversation opens when a doctor accepts one of your appointments."
          : "A conversation opens when you accept an appointment request."}
      </EmptyState>
    );
  }
  return (
    <>
      {isRefetchError ? (
        <p role="status" className="mb-3 flex items-center gap-2 text-sm text-amber-900">
          Could not refresh your conversations.
          <Button size="sm" variant="secondary" onClick={() => void refetch()} disabled={isFetching}>
            {isFetching ? "Retrying…" : "Retry"}
          </Button>
        </p>
      ) : null}
      <ul
        ref={list}
        aria-busy={isFetchingNextPage}
        className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white"
      >
        {conversations.map((c) => {
          const name = displayName(c.other);
          const preview = c.last
            ? `${c.last.senderId === meId ? "You: " : ""}${c.last.body.replace(/\s+/g, " ")}`
            : "No messages yet";
          return (
            <li key={c.roomId}>
              <Link href={`/chat/${c.roomId}`} className="flex items-start gap-3 px-4 py-3 hover:bg-slate-50">
                <div className="min-w-0 flex-1">
                  <div className="flex items-baseline justify-between gap-2">
                    <p className={`truncate ${c.unread > 0 ? "font-semibold" : "font-medium"} text-slate-900`}>
                      {name}
                      {c.other.specialty ? (
                        <span className="font-normal text-slate-600"> · {c.other.specialty}</span>
                      ) : null}
                    </p>
                    <time dateTime={c.last?.createdAt ?? c.lastActivityAt} className="shrink-0 text-xs text-slate-600">
                      {when(c.last?.createdAt ?? c.lastActivityAt, timeZone)}
                    </time>
                  </div>
                  <p className="text-xs text-slate-600">
                    Appointment {formatInstant(c.appointmentStartsAt, "date", timeZone)}
                    {c.closed ? (
                      <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700">Closed</span>
                    ) : null}
                  </p>
                  <p className={`mt-1 truncate text-sm ${c.unread > 0 ? "text-slate-900" : "text-slate-600"}`}>
                    {c.hasDraft ? <span className="font-semibold text-amber-800">Draft · </span> : null}
                    {preview}
                  </p>
                </div>
                {c.unread > 0 ? (
                  <span className="mt-1 inline-flex min-w-6 items-center justify-center rounded-full bg-brand-700 px-2 py-0.5 text-xs font-semibold text-white">
                    {c.unread}
                    <span className="sr-only"> unread</span>
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
      {hasNextPage || isFetchNextPageError ? (
        <div className="mt-4 flex flex-wrap items-center justify-center gap-3">
          {isFetchNextPageError ? (
            <p role="alert" className="text-sm text-amber-900">
              Could not load older conversations.
            </p>
          ) : null}
          {/* aria-disabled, not disabled: a disabled button drops the keyboard focus. */}
          <Button variant="secondary" size="sm" onClick={showOlder} aria-disabled={isFetchingNextPage}>
            {isFetchingNextPage ? "Loading older conversations…" : "Show older conversations"}
          </Button>
        </div>
      ) : null}
      <p role="status" className="sr-only">
        {isFetchingNextPage ? "" : `Showing ${conversations.length} conversations.`}
      </p>
    </>
  );
}
