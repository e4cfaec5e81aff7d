import "server-only";
import { ACCEPTED_TYPES, ALLOWED_TYPES_SENTENCE, type AcceptedType } from "@/lib/shared/attachments";
import { DomainError } from "@/lib/errors";

/** Bytes file-type reads to recognise every format it knows. */
export const SNIFF_BYTES = 4100;

export const typeNotAllowed = () =>
  new DomainError("unsupported_type", `This type of file is not allowed. You can send ${ALLOWED_TYPES_SENTENCE}.`);

// Markup a browser would run if it were ever served as a page: refused even as plain text.
const MARKUP = /<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|\?xml)\b/i;
// Control characters other than tab, line feed, form feed and carriage return: not text.
const BINARY = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

/**
 * What a file is, judged by its first bytes (never by its name or the browser's claim): one of
 * the accepted types, or a refusal. Text is what file-type recognises as nothing and reads as
 * UTF-8 without control characters or markup; the rest of a text file is checked as it streams.
 */
export async function sniffType(head: Uint8Array, complete: boolean): Promise<AcceptedType> {
  const { fileTypeFromBuffer } = await import("file-type");
  const found = await fileTypeFromBuffer(head);
  if (found) {
    const mime = found.mime === "image/heif" ? "image/heic" : found.mime;
    if (mime in ACCEPTED_TYPES && mime !== "text/plain") return mime as AcceptedType;
    throw typeNotAllowed();
  }
  if (head.length === 0) throw new DomainError("invalid", "This file is empty.");
  // The head may end inside a character; the streaming check judges the whole.
  const text = new TextDecoder("utf-8", { fatal: false }).decode(complete ? head : head.subarray(0, -4));
  if (text.includes("\uFFFD") || BINARY.test(text) || MARKUP.test(text)) throw typeNotAllowed();
  return "text/plain";
}

/** Passes text through, refusing it at the first byte that is not UTF-8 text or turns it into markup. */
export async function* checkedText(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let tail = "";
  for await (const piece of source) {
    let text: string;
    try {
      text = decoder.decode(piece, { stream: true });
    } catch {
      throw typeNotAllowed();
    }
    // The tail keeps a tag split between two pieces in view.
    const window = tail + text;
    if (BINARY.test(text) || MARKUP.test(window)) throw typeNotAllowed();
    tail = window.slice(-32);
    yield piece;
  }
  try {
    decoder.decode();
  } catch {
    throw typeNotAllowed();
  }
}
