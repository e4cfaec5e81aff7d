import "server-only";
/**
 * The address a request came from, for per-address abuse limits: the rightmost X-Forwarded-For
 * entry, which is what the nearest proxy (or `next start` itself) saw. Entries to its left are
 * whatever the client claimed. Behind a load balancer, run the app behind exactly one proxy that
 * appends to X-Forwarded-For.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || headers.get("x-real-ip")?.trim() || "unknown";
}
