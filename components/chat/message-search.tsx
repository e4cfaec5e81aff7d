import Link from "next/link";
import { formatInstant } from "@/lib/shared/format";

export interface SearchHitJson {
  roomId: string;
  seq: number;
  createdAt: string;
  otherName: string;
  excerpt: string;
}

/** The search box of the conversation list: a plain GET form, so it works before any script runs. */
export function MessageSearchForm({ value }: { value: string }) {
  return (
    <form role="search" method="get" action="/chat" className="mb-4 flex flex-wrap gap-2">
      <label htmlFor="message-search" className="sr-only">
        Search your messages
      </label>
      <input
        id="message-search"
        type="search"
        name="q"
        defaultValue={value}
        maxLength={200}
        placeholder="Search your messages"
        className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
      />
      <button
        type="submit"
        className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
      >
        Search
      </button>
    </form>
  );
}

/**
 * An excerpt with its matching words marked. The markers are control characters that no stored
 * message holds (lib/chat/search.ts); the text between them is rendered as text, never as HTML.
 */
export function Excerpt({ text }: { text: string }) {
  const parts: { mark: boolean; text: string }[] = [];
  for (const [i, chunk] of text.split("\u0001").entries()) {
    if (i === 0) {
      parts.push({ mark: false, text: chunk.replaceAll("\u0002", "") });
      continue;
    }
    const end = chunk.indexOf("\u0002");
    if (end < 0) parts.push({ mark: true, text: chunk });
    else
      parts.push(
        { mark: true, text: chunk.slice(0, end) },
        { mark: false, text: chunk.slice(end + 1).replaceAll("\u0002", "") },
      );
  }
  return (
    <>
      {parts.map((p, i) =>
        p.mark ? (
          <mark key={i} className="rounded bg-amber-200 px-0.5 text-slate-900">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

export function MessageSearchResults({
  query,
  hits,
  timeZone,
}: {
  query: string;
  hits: SearchHitJson[];
  timeZone: string;
}) {
  return (
    <section aria-labelledby="search-heading" className="mb-6">
      <h2 id="search-heading" className="mb-2 text-base font-semibold text-slate-900">
        {hits.length === 0 ? `No messages match “${query}”` : `Messages matching “${query}”`}
      </h2>
      {hits.length > 0 ? (
        <ul className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {hits.map((h) => (
            <li key={`${h.roomId}:${h.seq}`}>
              <Link href={`/chat/${h.roomId}?at=${h.seq}`} className="flex flex-col gap-1 px-4 py-3 hover:bg-slate-50">
                <span className="flex flex-wrap items-baseline justify-between gap-2">
                  <span className="font-medium text-slate-900">{h.otherName}</span>
                  <time dateTime={h.createdAt} className="text-xs text-slate-600">
                    {formatInstant(h.createdAt, "dayMonthTime", timeZone)}
                  </time>
                </span>
                <span className="text-sm break-words text-slate-800">
                  <Excerpt text={h.excerpt} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
