import "server-only";
import { cookies } from "next/headers";
import { isTimeZone } from "@/lib/schemas/appointments";

export const TIME_ZONE_COOKIE = "tz";
export const DEFAULT_TIME_ZONE = "Europe/London";

/** The viewer's time zone, as their browser reported it in a cookie (see TimeZoneSync). */
export async function viewerTimeZone(): Promise<string> {
  const value = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  return value && isTimeZone(value) ? value : DEFAULT_TIME_ZONE;
}
