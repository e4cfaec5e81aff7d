"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

const COOKIE = "tz";

/**
 * Tells the server the browser's time zone (a cookie), so times render in the viewer's zone. It
 * runs on every page, the sign-in page included, so the pages after sign-in already know the zone
 * instead of rendering once in the default and again in the viewer's.
 */
export function TimeZoneSync() {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const current = document.cookie.match(/(?:^|;\s*)tz=([^;]*)/)?.[1];
    if (!zone || current === zone) return;
    document.cookie = `${COOKIE}=${zone}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }, [router]);
  return null;
}
