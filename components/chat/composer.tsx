"use client";

import { useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import type { AttachmentJson } from "@/lib/attachments/views";
import { ACCEPT_ATTRIBUTE } from "@/lib/shared/attachments";
import { LIMITS } from "@/lib/shared/model";
import { AttachmentPreviews } from "./attachment-previews";
import type { AttachmentUploads } from "./use-attachment-uploads";

const MAX = LIMITS.messageMax;

/**
 * The message box: Enter sends, Shift+Enter adds a line; the text is handed over trimmed, with the
 * files uploaded for it (attach button, the camera on a phone, a pasted image; drops land on the
 * thread). A message may be text, files or both.
 */
export function Composer({
  onSend,
  uploads,
  initialText = "",
  onTextChange,
}: {
  onSend: (body: string, attachments: AttachmentJson[]) => void;
  uploads: AttachmentUploads;
  /** The draft saved on the server (from this or another device). */
  initialText?: string;
  /** Each change of the text, to save the draft. */
  onTextChange?: (text: string) => void;
}) {
  const [text, setTextState] = useState(initialText);
  const setText = (value: string) => {
    setTextState(value);
    onTextChange?.(value);
  };
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const cameraInput = useRef<HTMLInputElement>(null);
  const trimmed = text.trim();
  const tooLong = trimmed.length > MAX;
  const hasFiles = uploads.ready.length > 0;
  const canSend = (trimmed.length > 0 || hasFiles) && !tooLong && !uploads.uploading && !uploads.failed;

  function submit() {
    if (!canSend) return;
    onSend(trimmed, uploads.ready);
    setText("");
    uploads.clear();
  }

  const pick = (input: HTMLInputElement | null) => {
    if (!input?.files) return;
    uploads.add([...input.files]);
    input.value = "";
  };

  const hint = uploads.uploading
    ? "Waiting for the files to upload…"
    : uploads.failed
      ? "Remove the files that could not be attached to send."
      : "Enter to send, Shift+Enter for a new line.";

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <AttachmentPreviews items={uploads.items} onRemove={uploads.remove} />
      <div className="flex items-end gap-2">
        <div className="mb-5 flex flex-col gap-1">
          <input
            ref={fileInput}
            type="file"
            multiple
            accept={ACCEPT_ATTRIBUTE}
            className="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(e) => pick(e.currentTarget)}
            data-testid="attach-input"
          />
          <input
            ref={cameraInput}
            type="file"
            accept="image/*"
            capture="environment"
            className="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(e) => pick(e.currentTarget)}
          />
          <Button variant="secondary" onClick={() => fileInput.current?.click()} aria-label="Attach files">
            <span aria-hidden="true">📎</span>
          </Button>
          <Button
            variant="secondary"
            className="sm:hidden"
            onClick={() => cameraInput.current?.click()}
            aria-label="Take a photo"
          >
            <span aria-hidden="true">📷</span>
          </Button>
        </div>
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor={id} className="sr-only">
            Message
          </label>
          <textarea
            id={id}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onPaste={(e) => {
              const files = [...e.clipboardData.files].filter((f) => f.type.startsWith("image/"));
              if (files.length === 0) return;
              e.preventDefault();
              uploads.add(files);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                submit();
              }
            }}
            rows={2}
            placeholder="Write a message…"
            aria-describedby={`${id}-help`}
            aria-invalid={tooLong || undefined}
            className="max-h-48 min-h-11 resize-y rounded-md border border-slate-300 px-3 py-2 text-base sm:text-sm"
          />
          <div className="flex justify-between gap-2 text-xs text-slate-600">
            <span id={`${id}-help`} aria-live="polite">
              {hint}
            </span>
            {trimmed.length >= MAX * 0.9 ? (
              <span aria-live="polite" className={tooLong ? "font-medium text-red-700" : undefined}>
                {trimmed.length} / {MAX}
              </span>
            ) : null}
          </div>
        </div>
        <Button type="submit" disabled={!canSend} className="mb-5">
          Send
        </Button>
      </div>
    </form>
  );
}
