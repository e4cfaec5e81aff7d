import { connection } from "next/server";
import { databaseReachable } from "@/db/health";
import { jsonResponse } from "@/lib/http/json";
import { liveHub } from "@/lib/live/hub";

export async function GET() {
  await connection();
  // Benchmarks and leak checks ask how many live streams this instance holds; only when enabled.
  // With CAREBRIDGE_COUNT_QUERIES=1 too, the statements this process has sent to PostgreSQL.
  const metrics =
    process.env.CAREBRIDGE_METRICS === "1"
      ? { liveStreams: liveHub().listenerCount(), queries: globalThis.__carebridgeQueryCount ?? 0 }
      : {};
  return (await databaseReachable())
    ? jsonResponse({ status: "ok", database: "reachable", ...metrics })
    : jsonResponse({ status: "unavailable", database: "unreachable", ...metrics }, { status: 503 });
}
