/**
 * System notifications for new messages while the portal sits in a background tab. The person
 * turns them on from a button in settings (never a prompt on page load); the choice is kept in this
 * browser. A notification names the sender only, never what was written.
 */

const OPT_IN_KEY = "carebridge:browser-notifications";

export type BrowserNotificationsState = "unsupported" | "denied" | "off" | "on";

export function browserNotificationsState(): BrowserNotificationsState {
  if (typeof window === "undefined" || !("Notification" in window)) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  return Notification.permission === "granted" && localStorage.getItem(OPT_IN_KEY) === "on" ? "on" : "off";
}

/** Asks the browser for permission (from a click) and remembers the choice. */
export async function turnOnBrowserNotifications(): Promise<BrowserNotificationsState> {
  if (browserNotificationsState() === "unsupported") return "unsupported";
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission === "granted") localStorage.setItem(OPT_IN_KEY, "on");
  return browserNotificationsState();
}

export function turnOffBrowserNotifications(): void {
  localStorage.removeItem(OPT_IN_KEY);
}

/** Whether the person is not looking at the portal: its tab hidden or its window in the background. */
export function portalOutOfSight(): boolean {
  return document.visibilityState === "hidden" || !document.hasFocus();
}

export function showNewMessageNotification(input: {
  roomId: string;
  seq: number;
  senderName: string;
  /** Opens the thread (the app's router), after the window is focused. */
  open: (path: string) => void;
}): void {
  if (browserNotificationsState() !== "on") return;
  const notification = new Notification(`New message from ${input.senderName}`, {
    body: "Open Carebridge to read it.",
    // One per message: several tabs of the portal show it once.
    tag: `carebridge:${input.roomId}:${input.seq}`,
    icon: "/icons/icon-192.png",
  });
  notification.onclick = () => {
    window.focus();
    notification.close();
    if (location.pathname !== `/chat/${input.roomId}`) input.open(`/chat/${input.roomId}`);
  };
}
