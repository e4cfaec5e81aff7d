import "server-only";

/**
 * A Content-Disposition header (RFC 6266): an ASCII fallback `filename` with anything outside
 * plain printable ASCII, quotes and backslashes replaced, and the real name as UTF-8 `filename*`.
 */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7E]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Headers every file answer carries: private, never stored, never sniffed, never run as a page. */
export function fileHeaders(file: { mediaType: string; size: number; name: string; inline: boolean }): HeadersInit {
  return {
    "content-type": file.mediaType === "text/plain" ? "text/plain; charset=utf-8" : file.mediaType,
    "content-length": String(file.size),
    "cache-control": "private, no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'",
    "content-disposition": contentDisposition(file.inline ? "inline" : "attachment", file.name),
    "cross-origin-resource-policy": "same-origin",
  };
}
