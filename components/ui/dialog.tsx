"use client";

import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import type { DialogProps } from "./dialog-content";

const DialogContent = dynamic(() => import("./dialog-content").then((m) => m.DialogContent), { ssr: false });

let preloading = false;

/** Fetches the dialog's code once the page has loaded and the browser is idle, so it opens at once. */
function preloadAfterLoad(): void {
  if (preloading) return;
  preloading = true;
  const preload = () => {
    const fetchCode = () => void import("./dialog-content");
    if ("requestIdleCallback" in window) requestIdleCallback(fetchCode);
    else setTimeout(fetchCode, 1);
  };
  if (document.readyState === "complete") preload();
  else window.addEventListener("load", preload, { once: true });
}

/**
 * An accessible modal dialog (./dialog-content.tsx, Radix). Radix's code (about 13 kB compressed)
 * is in no page's first load: it is rendered from the first time the dialog opens, and fetched
 * after the page's load event, when the browser is idle.
 */
export function Dialog(props: DialogProps) {
  const [opened, setOpened] = useState(props.open);
  if (props.open && !opened) setOpened(true);
  useEffect(preloadAfterLoad, []);
  return opened ? <DialogContent {...props} /> : null;
}
