/**
 * Attachments' vocabulary, with no dependencies: the types accepted (judged by content on the
 * server), the limits as the browser is told them, names made safe to show, and sizes in words.
 */
import { cleanName } from "@/lib/schemas/text";

/** Accepted types, by the media type their content sniffs as, with the name people know them by. */
export const ACCEPTED_TYPES = {
  "image/jpeg": { label: "JPEG", ext: "jpg", image: true },
  "image/png": { label: "PNG", ext: "png", image: true },
  "image/webp": { label: "WebP", ext: "webp", image: true },
  "image/gif": { label: "GIF", ext: "gif", image: true },
  "image/heic": { label: "HEIC", ext: "heic", image: true },
  "application/pdf": { label: "PDF", ext: "pdf", image: false },
  "text/plain": { label: "plain text", ext: "txt", image: false },
} as const;

export type AcceptedType = keyof typeof ACCEPTED_TYPES;

/** For the file picker: a hint only, the server decides by the bytes. */
export const ACCEPT_ATTRIBUTE = [
  ...Object.keys(ACCEPTED_TYPES),
  "image/heif",
  ".jpg",
  ".jpeg",
  ".png",
  ".webp",
  ".gif",
  ".heic",
  ".heif",
  ".pdf",
  ".txt",
].join(",");

/** Image types the thread shows inline (everything else is a download). */
export const INLINE_IMAGE_TYPES: readonly string[] = ["image/jpeg", "image/png", "image/webp", "image/gif"];

export const ALLOWED_TYPES_SENTENCE = "photos (JPEG, PNG, WebP, GIF, HEIC), PDF and plain text";

export interface AttachmentLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxMessageBytes: number;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, "") : Math.round(mb)} MB`;
}

const MAX_NAME = 120;

/**
 * A file name safe to show and to offer as a download name: the last path segment only, control,
 * invisible and direction-override characters removed (a right-to-left override can make
 * "photo\u202Egpj.exe" read as "photoexe.jpg"), no leading dots, at most 120 characters with the
 * extension kept.
 */
export function sanitiseFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  let name = cleanName(base)
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, "")
    .replace(/[<>:"|?*]/g, "_")
    .trim()
    .replace(/^\.+/, "")
    .trim();
  if (name.length > MAX_NAME) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
    name = name.slice(0, MAX_NAME - ext.length) + ext;
  }
  return name || "file";
}

/** The name with an extension that matches what the content is (a PDF named .exe downloads as .exe.pdf). */
export function nameForType(name: string, mediaType: string): string {
  const known = ACCEPTED_TYPES[mediaType as AcceptedType];
  if (!known) return name;
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
  const fits = ext === known.ext || (known.ext === "jpg" && ext === "jpeg") || (known.ext === "heic" && ext === "heif");
  return fits ? name : `${name}.${known.ext}`;
}

/** What a list says for a message of files alone. */
export function fileOnlySummary(first: { kind: string; name: string }): string {
  return first.kind === "image" ? "Photo" : `Document: ${first.name}`;
}
