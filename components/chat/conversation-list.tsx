"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { Button, buttonClasses } from "@/components/ui/button";
import type { ConversationJson } from "@/lib/chat-json";
import { fetchJson } from "@/lib/fetch-json";
import { keys, refetchEvery } from "@/lib/query-keys";

function when(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const sameDay = new Intl.DateTimeFormat("en-CA", { timeZone }).format(date) === new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());
  return new Intl.DateTimeFormat("en-GB", sameDay ? { timeZone, hour: "2-digit", minute: "2-digit" } : { timeZone, day: "numeric", month: "short" }).format(date);
}

/** Every conversation of the user, newest activity first, with unread badges that stay fresh. */
export function ConversationList({ meId, role, timeZone, initial }: { meId: string; role: "patient" | "doctor"; timeZone: string; initial: ConversationJson[] }) {
  const { data = initial, isError, refetch } = useQuery({
    queryKey: keys.conversations(),
    queryFn: async () => (await fetchJson<{ conversations: ConversationJson[] }>("/api/conversations")).conversations,
    initialData: initial,
    refetchInterval: refetchEvery("counters"),
    refetchOnWindowFocus: true,
  });

  if (data.length === 0) {
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
        {role === "patient" ? "A conversation opens when a doctor accepts one of your appointments." : "A conversation opens when you accept an appointment request."}
      </EmptyState>
    );
  }
  return (
    <>
      {isError ? (
        <p role="status" className="mb-3 flex items-center gap-2 text-sm text-amber-900">
          Could not refresh your conversations.
          <Button size="sm" variant="secondary" onClick={() => void refetch()}>
            Retry
          </Button>
        </p>
      ) : null}
      <ul className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
        {data.map((c) => {
          const name = c.other.role === "doctor" ? `Dr ${c.other.name}` : c.other.name;
          const preview = c.last ? `${c.last.senderId === meId ? "You: " : ""}${c.last.body.replace(/\s+/g, " ")}` : "No messages yet";
          return (
            <li key={c.roomId}>
              <Link href={`/chat/${c.roomId}`} className="flex items-start gap-3 px-4 py-3 hover:bg-slate-50">
                <div className="min-w-0 flex-1">
                  <div className="flex items-baseline justify-between gap-2">
                    <p className={`truncate ${c.unread > 0 ? "font-semibold" : "font-medium"} text-slate-900`}>
                      {name}
                      {c.other.specialty ? <span className="font-normal text-slate-600"> · {c.other.specialty}</span> : null}
                    </p>
                    <time dateTime={c.last?.createdAt ?? c.lastActivityAt} className="shrink-0 text-xs text-slate-600">
                      {when(c.last?.createdAt ?? c.lastActivityAt, timeZone)}
                    </time>
                  </div>
                  <p className="text-xs text-slate-600">Appointment {new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" }).format(new Date(c.appointmentStartsAt))}</p>
                  <p className={`mt-1 truncate text-sm ${c.unread > 0 ? "text-slate-900" : "text-slate-600"}`}>{preview}</p>
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
    </>
  );
}
