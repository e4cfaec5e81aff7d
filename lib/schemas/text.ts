/** Removes control characters other than line breaks and tabs (NUL included, which PostgreSQL refuses). */
export function stripControl(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
}
