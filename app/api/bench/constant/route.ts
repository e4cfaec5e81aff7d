import { connection } from "next/server";

/**
 * A constant answer with no database or session work: `npm run bench` loads it beside the data
 * endpoints as the framework's own ceiling on this machine. Rendered per request, like them.
 */
export async function GET() {
  await connection();
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
