"use client";

import { formatBytes } from "@/lib/shared/attachments";
import type { UploadItem } from "./use-attachment-uploads";

/** The files chosen for the next message: thumbnail or name and size, progress, error, remove. */
export function AttachmentPreviews({ items, onRemove }: { items: UploadItem[]; onRemove: (key: string) => void }) {
  if (items.length === 0) return null;
  return (
    <ul aria-label="Files to send" className="mb-2 flex gap-2 overflow-x-auto pb-1">
      {items.map((item) => (
        <li
          key={item.key}
          className={`flex w-40 shrink-0 flex-col gap-1 rounded-md border p-2 text-xs ${
            item.status === "failed" ? "border-red-300 bg-red-50" : "border-slate-200 bg-white"
          }`}
        >
          <div className="flex items-start gap-2">
            {item.previewUrl ? (
              // A local object URL of the chosen file: next/image cannot optimise it.
              // eslint-disable-next-line @next/next/no-img-element
              <img src={item.previewUrl} alt="" width={40} height={40} className="h-10 w-10 rounded object-cover" />
            ) : (
              <span
                aria-hidden="true"
                className="flex h-10 w-10 shrink-0 items-center justify-center rounded bg-slate-100 text-[10px] font-semibold text-slate-700 uppercase"
              >
                {item.name.includes(".")
                  ? item.name.slice(item.name.lastIndexOf(".") + 1, item.name.lastIndexOf(".") + 5)
                  : "file"}
              </span>
            )}
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium text-slate-900" title={item.name}>
                {item.name}
              </p>
              <p className="text-slate-600">{formatBytes(item.size)}</p>
            </div>
            <button
              type="button"
              onClick={() => onRemove(item.key)}
              aria-label={`Remove ${item.name}`}
              className="-m-1 rounded p-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            >
              <span aria-hidden="true">✕</span>
            </button>
          </div>
          {item.status === "uploading" ? (
            <progress
              max={1}
              value={item.progress}
              aria-label={`Uploading ${item.name}`}
              className="h-1.5 w-full accent-brand-700"
            />
          ) : null}
          {item.status === "ready" ? <p className="text-green-800">Ready to send</p> : null}
          {item.status === "failed" ? (
            <p role="alert" className="text-red-800">
              {item.error}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
