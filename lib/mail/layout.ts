import "server-only";
/**
 * The one frame of every email: the product's name and colours, readable in dark mode, no remote
 * images, no trackers. Everything interpolated is escaped here.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export interface EmailFrame {
  subject: string;
  /** Short paragraphs of plain text (escaped here). */
  paragraphs: string[];
  button?: { label: string; url: string };
  /** Why the person gets this email and how to change it; plain text. */
  footer: string[];
}

const STYLE = `
body{margin:0;padding:0;background:#f8fafc;color:#0f172a;font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5}
.wrap{max-width:560px;margin:0 auto;padding:24px 16px}
.brand{color:#115e59;font-weight:700;font-size:20px;margin:0 0 16px}
.card{background:#ffffff;border:1px solid #e2e8f0;border-radius:12px;padding:24px}
.button{display:inline-block;background:#115e59;color:#ffffff !important;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px}
.muted{color:#475569;font-size:13px}
a{color:#115e59}
@media (prefers-color-scheme: dark){
 body{background:#0b1220 !important;color:#e2e8f0 !important}
 .card{background:#111827 !important;border-color:#334155 !important}
 .brand,a{color:#5eead4 !important}
 .button{background:#5eead4 !important;color:#0b1220 !important}
 .muted{color:#94a3b8 !important}
}`;

export function renderFrame(frame: EmailFrame): { html: string; text: string } {
  const paragraphs = frame.paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join("\n");
  const button = frame.button
    ? `<p style="margin:24px 0"><a class="button" href="${escapeHtml(frame.button.url)}" style="display:inline-block;background:#115e59;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">${escapeHtml(frame.button.label)}</a></p>`
    : "";
  const footer = frame.footer
    .map((line) => `<p class="muted" style="margin:0 0 8px;color:#475569;font-size:13px">${linkify(line)}</p>`)
    .join("\n");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(frame.subject)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="wrap">
<p class="brand">Carebridge</p>
<div class="card">
${paragraphs}
${button}
</div>
<div style="padding:16px 4px 0">
${footer}
</div>
</div>
</body>
</html>
`;
  const text = [
    "Carebridge",
    "",
    ...frame.paragraphs.flatMap((p) => [p, ""]),
    ...(frame.button ? [`${frame.button.label}: ${frame.button.url}`, ""] : []),
    "--",
    ...frame.footer,
    "",
  ].join("\n");
  return { html, text };
}

/** Escapes a footer line and makes its http(s) addresses links. */
function linkify(line: string): string {
  return escapeHtml(line).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}
