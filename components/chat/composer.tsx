"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { LIMITS } from "@/lib/shared/model";

const MAX = LIMITS.messageMax;

/** The message box: Enter sends, Shift+Enter adds a line; the text is handed over trimmed. */
export function Composer({ onSend }: { onSend: (body: string) => void }) {
  const [text, setText] = useState("");
  const id = useId();
  const trimmed = text.trim();
  const tooLong = trimmed.length > MAX;
  const canSend = trimmed.length > 0 && !tooLong;

  function submit() {
    if (!canSend) return;
    onSend(trimmed);
    setText("");
  }

  return (
    <form
      className="flex items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="flex flex-1 flex-col gap-1">
        <label htmlFor={id} className="sr-only">
          Message
        </label>
        <textarea
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
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
          <span id={`${id}-help`}>Enter to send, Shift+Enter for a new line.</span>
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
    </form>
  );
}
