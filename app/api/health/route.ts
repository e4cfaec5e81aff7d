import { sql } from "drizzle-orm";
import { connection } from "next/server";
import { getDb } from "@/db";

const TIMEOUT_MS = 3000;

export async function GET() {
  await connection();
  const headers = { "cache-control": "no-store" };
  try {
    await Promise.race([
      getDb().execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS).unref()),
    ]);
    return Response.json({ status: "ok", database: "reachable" }, { headers });
  } catch {
    return Response.json({ status: "unavailable", database: "unreachable" }, { status: 503, headers });
  }
}
