"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { useState, type ReactNode } from "react";

export interface DialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Room for a photo: the width of the screen up to 4xl. */
  wide?: boolean;
}

/**
 * An accessible modal dialog (Radix): focus kept inside, Escape closes. On close, focus goes back
 * to what opened it (what had focus when this first rendered, which is when it first opened: see
 * ./dialog.tsx), or to the page's main region when that is gone (a declined request's row).
 */
export function DialogContent({ open, onOpenChange, title, description, children, wide = false }: DialogProps) {
  const [returnTo] = useState<HTMLElement | null>(() =>
    typeof document === "undefined" ? null : (document.activeElement as HTMLElement | null),
  );
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <RadixDialog.Content
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            if (returnTo?.isConnected) returnTo.focus();
            else document.getElementById("main")?.focus();
          }}
          className={`fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] ${wide ? "max-w-4xl" : "max-w-md"} -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl`}
        >
          <RadixDialog.Title className="text-lg font-semibold text-slate-900">{title}</RadixDialog.Title>
          {description ? (
            <RadixDialog.Description className="mt-2 text-sm text-slate-700">{description}</RadixDialog.Description>
          ) : (
            <RadixDialog.Description className="sr-only">{title}</RadixDialog.Description>
          )}
          <div className="mt-4">{children}</div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
