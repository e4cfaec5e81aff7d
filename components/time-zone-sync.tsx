"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Tells the server the browser's time zone (a cookie), so times render in the viewer's zone. The
 * root layout runs it on every page, the sign-in page included, so pages after sign-in already
 * know the zone. A page that shows times passes the zone it was rendered in, and is refreshed
 * once if that was not the viewer's.
 */
export function TimeZoneSync({ renderedIn }: { renderedIn?: string }) {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const current = document.cookie.match(/(?:^|;\s*)tz=([^;]*)/)?.[1];
    if (current !== zone) document.cookie = `tz=${zone}; path=/; max-age=31536000; samesite=lax`;
    if (renderedIn !== undefined && renderedIn !== zone) router.refresh();
  }, [renderedIn, router]);
  return null;
}
