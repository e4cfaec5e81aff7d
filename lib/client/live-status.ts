/** Whether this tab's live-update stream is connected (one stream per tab). */
let live = false;

export const liveStreamIsUp = (): boolean => live;

export function setLiveStreamUp(value: boolean): void {
  live = value;
  // Shown on the page root, for the connection notice's styles and for browser tests.
  if (typeof document !== "undefined") document.documentElement.dataset.live = value ? "true" : "false";
}
