/**
 * Calls a server action of the built app as the browser does: a POST to the page's URL with the
 * action's id (from the build's server-reference manifest) in `Next-Action` and the arguments as
 * a JSON array; the answer is the RSC payload whose row 1 is the action's return value.
 */
import fs from "node:fs";
import path from "node:path";
import { appDir } from "./http";

type Manifest = {
  node: Record<
    string,
    { exportedName?: string; filename?: string; workers?: Record<string, { exportedName?: string }> }
  >;
};

/** The id of `exportedName` as the build named it (e.g. sendMessageAction of app/chat/actions.ts). */
export function actionId(exportedName: string): string {
  const file = path.join(appDir(), ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  for (const [id, entry] of Object.entries(manifest.node)) {
    const names = [entry.exportedName, ...Object.values(entry.workers ?? {}).map((w) => w.exportedName)];
    if (names.includes(exportedName)) return id;
  }
  throw new Error(`no server action named ${exportedName} in ${file}`);
}

/**
 * Runs the action from `pagePath`; resolves to its result ({ ok, data | message }), or throws
 * when the server answered anything but a result.
 */
export async function callAction<T>(
  origin: string,
  pagePath: string,
  id: string,
  cookie: string,
  input: unknown,
): Promise<{ ok: true; data: T } | { ok: false; message: string }> {
  const response = await fetch(`${origin}${pagePath}`, {
    method: "POST",
    headers: {
      cookie,
      origin,
      accept: "text/x-component",
      "next-action": id,
      "content-type": "text/plain;charset=UTF-8",
    },
    body: JSON.stringify([input]),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`action answered ${response.status}: ${text.slice(0, 200)}`);
  const row = text.split("\n").find((line) => line.startsWith("1:"));
  if (!row) throw new Error(`action answered no result: ${text.slice(0, 200)}`);
  return JSON.parse(row.slice(2)) as { ok: true; data: T } | { ok: false; message: string };
}
