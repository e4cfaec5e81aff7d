/**
 * Cleaning of text people write, in one place: every schema that takes free text or a name uses
 * these, so a character refused in one field is refused in all.
 */

/** Control characters other than tab and line breaks (NUL included, which PostgreSQL refuses). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** Direction overrides and isolates, which can make a name read as another. */
const BIDI_OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;

/** Free text (messages, reasons, notes): control characters removed, line breaks and tabs kept. */
export function stripControl(s: string): string {
  return s.replace(CONTROL, "");
}

/** A name on one line: line breaks and tabs become spaces, control and direction characters go, spaces collapse. */
export function cleanName(s: string): string {
  return stripControl(s.replace(/[\t\n\r]/g, " "))
    .replace(BIDI_OVERRIDES, "")
    .replace(/\s+/g, " ");
}
