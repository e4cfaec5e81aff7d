"use client";

import { useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";
import {
  browserNotificationsState,
  turnOffBrowserNotifications,
  turnOnBrowserNotifications,
  type BrowserNotificationsState,
} from "@/lib/client/browser-notifications";

const WORDS: Record<BrowserNotificationsState, string> = {
  unsupported: "This browser cannot show notifications.",
  denied:
    "Notifications are blocked for Carebridge in this browser. To allow them, use the site settings beside the address bar.",
  off: "Get a notification on this device when a message arrives while Carebridge is in another tab. It shows who wrote, never what.",
  on: "On: this browser shows a notification when a message arrives while Carebridge is in another tab.",
};

/** The only place that asks for notification permission: a button the person presses. */
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

export function BrowserNotificationsToggle() {
  // The permission lives in the browser: nothing to show until the page runs there.
  const state = useSyncExternalStore<BrowserNotificationsState | null>(
    subscribe,
    browserNotificationsState,
    () => null,
  );
  if (state === null) return <p className="text-sm text-slate-600">Checking this browser…</p>;
  return (
    <div className="flex flex-col items-start gap-3">
      <p role="status" className="text-sm text-slate-700">
        {WORDS[state]}
      </p>
      {state === "off" ? (
        <Button onClick={() => void turnOnBrowserNotifications().then(changed)}>Turn on browser notifications</Button>
      ) : state === "on" ? (
        <Button
          variant="secondary"
          onClick={() => {
            turnOffBrowserNotifications();
            changed();
          }}
        >
          Turn off browser notifications
        </Button>
      ) : null}
    </div>
  );
}
