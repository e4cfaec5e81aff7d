/**
 * Cleaning of text people write, in one place: every schema that takes free text or a name uses
 * these, so a character refused in one field is refused in all.
 */

/** Control characters other than tab and line breaks (NUL included, which PostgreSQL refuses). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/**
 * Invisible format characters: zero-width spaces and joiners, direction marks and overrides
 * (LRM, RLM, the Arabic letter mark), isolates, the byte-order mark. Inside a name they let
 * "Emily\u200BDavis" pass for "Emily Davis", or make a name blank or read backwards.
 */
const INVISIBLE = /\p{Cf}/gu;

/** Free text (messages, reasons, notes): control characters removed, line breaks and tabs kept. */
export function stripControl(s: string): string {
  return s.replace(CONTROL, "");
}

/**
 * A name on one line: compatibility forms folded (NFKC: full-width and styled letters become
 * plain ones), line breaks and tabs become spaces, control and invisible characters go, spaces
 * collapse.
 */
export function cleanName(s: string): string {
  return stripControl(s.normalize("NFKC").replace(/[\t\n\r]/g, " "))
    .replace(INVISIBLE, "")
    .replace(/\s+/g, " ");
}

/** Whether a name shows at least one letter (a name of marks, digits or symbols alone reads as blank or fake). */
export function hasVisibleLetter(s: string): boolean {
  return /\p{L}/u.test(s);
}
