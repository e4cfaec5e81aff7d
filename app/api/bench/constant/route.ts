import { connection } from "next/server";
import { json, jsonError } from "@/lib/http/json";

/**
 * A constant answer with no database or session work: `npm run bench` loads it beside the data
 * endpoints as the framework's own ceiling on this machine, rendered per request like them. Only a
 * server the bench starts (CAREBRIDGE_BENCH_ROUTES=1) serves it; the product answers 404.
 */
export async function GET() {
  await connection();
  if (process.env.CAREBRIDGE_BENCH_ROUTES !== "1") return jsonError(404, "There is no such endpoint.");
  return json({ ok: true });
}
