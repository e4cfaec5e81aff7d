"use client";

import { useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { AttachmentJson } from "@/lib/attachments/views";
import { ACCEPTED_TYPES, formatBytes, type AcceptedType } from "@/lib/shared/attachments";

const fileUrl = (id: string, variant?: "thumbnail") => `/api/attachments/${id}${variant ? `?variant=${variant}` : ""}`;

/**
 * A message's files: an image as its thumbnail (lazy, sized so nothing jumps) opening full size in
 * a dialog; anything else as a card (type, name, size) that downloads.
 */
export function MessageAttachments({ attachments, photoAlt }: { attachments: AttachmentJson[]; photoAlt: string }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="mt-1 flex flex-wrap gap-2" aria-label="Files">
      {attachments.map((a) => (
        <li key={a.id}>
          {a.inline && a.thumbnail ? <Photo attachment={a} alt={photoAlt} /> : <DocumentCard attachment={a} />}
        </li>
      ))}
    </ul>
  );
}

function Photo({ attachment, alt }: { attachment: AttachmentJson; alt: string }) {
  const [open, setOpen] = useState(false);
  const thumb = attachment.thumbnail!;
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="block overflow-hidden rounded-lg border border-slate-200 bg-slate-100"
        aria-label={`Open ${alt} full size`}
      >
        {/* Served by our own handler with private headers: next/image would cache it on the server. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={fileUrl(attachment.id, "thumbnail")}
          alt={alt}
          width={thumb.width}
          height={thumb.height}
          loading="lazy"
          decoding="async"
          className="h-auto max-h-60 w-auto max-w-full"
        />
      </button>
      {open ? (
        <Dialog open={open} onOpenChange={setOpen} title={alt} wide>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={fileUrl(attachment.id)}
            alt={alt}
            width={attachment.width ?? undefined}
            height={attachment.height ?? undefined}
            className="mx-auto h-auto max-h-[70dvh] w-auto max-w-full"
          />
          <div className="mt-3 flex flex-wrap items-center justify-end gap-2">
            <a
              href={fileUrl(attachment.id)}
              download={attachment.name}
              className={buttonClasses("secondary", "sm", "max-w-full")}
            >
              <span className="truncate">Download {attachment.name}</span>
            </a>
            {/* Escape and the backdrop close it too; a phone has neither key nor much backdrop. */}
            <Button size="sm" onClick={() => setOpen(false)}>
              Close
            </Button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}

function DocumentCard({ attachment }: { attachment: AttachmentJson }) {
  const type = ACCEPTED_TYPES[attachment.mediaType as AcceptedType]?.label ?? "File";
  return (
    <a
      href={fileUrl(attachment.id)}
      download={attachment.name}
      className="flex max-w-64 items-center gap-3 rounded-lg border border-slate-200 bg-white p-2 text-slate-900 hover:bg-slate-50"
    >
      <span
        aria-hidden="true"
        className="flex h-10 w-10 shrink-0 items-center justify-center rounded bg-slate-100 text-[10px] font-semibold text-slate-700 uppercase"
      >
        {type.slice(0, 4)}
      </span>
      <span className="min-w-0">
        <span className="block truncate text-sm font-medium">{attachment.name}</span>
        <span className="block text-xs text-slate-600">
          {type} · {formatBytes(attachment.size)}
          <span className="sr-only">, download</span>
        </span>
        {attachment.note ? <span className="block text-xs text-slate-600">{attachment.note}</span> : null}
      </span>
    </a>
  );
}
