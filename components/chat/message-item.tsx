import { Button } from "@/components/ui/button";
import type { AttachmentJson } from "@/lib/attachments/views";
import { MessageAttachments } from "./message-attachments";
import type { DeliveryState } from "@/lib/client/thread-merge";
import { formatInstant } from "@/lib/shared/format";
import type { MessageKind } from "@/lib/shared/model";

const STATE_LABEL: Record<DeliveryState, string> = {
  sending: "Sending…",
  sent: "Sent",
  read: "Read",
  failed: "Not sent",
};

/** One message: sender, time and the body as plain text with its line breaks. */
export function MessageItem({
  mine,
  senderName,
  body,
  createdAt,
  timeZone,
  state,
  error,
  onRetry,
  onDiscard,
  attachments = [],
  photoFrom,
  kind = "message",
}: {
  mine: boolean;
  senderName: string;
  body: string;
  createdAt: string;
  timeZone: string;
  state: DeliveryState | null;
  error?: string;
  onRetry?: () => void;
  onDiscard?: () => void;
  attachments?: AttachmentJson[];
  /** Who a photo is from, for its alt text ("Photo from Carol Anderson, 1 Dec 14:02"). */
  photoFrom?: string;
  kind?: MessageKind;
}) {
  const time = formatInstant(createdAt, "dayMonthTime", timeZone);
  if (kind === "system") {
    return (
      <li className="flex justify-center px-2" data-kind="system">
        <p className="rounded-full bg-slate-100 px-3 py-1 text-center text-xs text-slate-700">
          {body} <time dateTime={createdAt}>{time}</time>
        </p>
      </li>
    );
  }
  if (kind === "auto_reply") {
    return (
      <li className={`flex flex-col ${mine ? "items-end" : "items-start"}`} data-kind="auto_reply">
        <div className="max-w-[85%] rounded-2xl border border-dashed border-amber-400 bg-amber-50 px-4 py-2 text-slate-900 sm:max-w-[70%]">
          <p className="text-xs font-semibold tracking-wide text-amber-900 uppercase">
            Automatic reply<span className="sr-only"> on behalf of {senderName}:</span>
          </p>
          <p className="break-words whitespace-pre-wrap">{body}</p>
        </div>
        <p className="mt-1 flex flex-wrap items-center gap-2 px-1 text-xs text-slate-600">
          <span aria-hidden="true">{senderName} (automatic)</span>
          <time dateTime={createdAt}>{time}</time>
        </p>
      </li>
    );
  }
  const files = (
    <MessageAttachments attachments={attachments} photoAlt={`Photo from ${photoFrom ?? senderName}, ${time}`} />
  );
  return (
    <li className={`flex flex-col ${mine ? "items-end" : "items-start"}`} data-state={state ?? undefined}>
      {body === "" ? <p className="sr-only">{senderName} sent:</p> : null}
      {body === "" ? files : null}
      <div
        hidden={body === ""}
        className={`max-w-[85%] rounded-2xl px-4 py-2 shadow-sm sm:max-w-[70%] ${
          state === "failed"
            ? "border border-red-300 bg-red-50 text-slate-900"
            : mine
              ? "bg-brand-700 text-white"
              : "border border-slate-200 bg-white text-slate-900"
        }`}
      >
        <p className="sr-only">{senderName} said:</p>
        <p className="break-words whitespace-pre-wrap">{body}</p>
      </div>
      {body !== "" ? files : null}
      <p className="mt-1 flex flex-wrap items-center gap-2 px-1 text-xs text-slate-600">
        <span aria-hidden="true">{senderName}</span>
        <time dateTime={createdAt}>{time}</time>
        {state ? (
          <span className={state === "failed" ? "font-medium text-red-700" : undefined}>{STATE_LABEL[state]}</span>
        ) : null}
      </p>
      {state === "failed" ? (
        <div className="mt-1 flex flex-wrap items-center gap-2">
          {error ? <span className="text-xs text-red-700">{error}</span> : null}
          <Button size="sm" variant="secondary" onClick={onRetry}>
            Retry
          </Button>
          <Button size="sm" variant="ghost" onClick={onDiscard}>
            Discard
          </Button>
        </div>
      ) : null}
    </li>
  );
}
