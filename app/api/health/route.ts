import { connection } from "next/server";
import { databaseReachable } from "@/lib/health";

export async function GET() {
  await connection();
  const headers = { "cache-control": "no-store" };
  return (await databaseReachable())
    ? Response.json({ status: "ok", database: "reachable" }, { headers })
    : Response.json({ status: "unavailable", database: "unreachable" }, { status: 503, headers });
}
