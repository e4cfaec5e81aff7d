"use client";

import { useEffect, useState } from "react";
import { useIdleTimer } from "react-idle-timer";
import { Button } from "./ui/button";
import { Dialog } from "./ui/dialog";
import { useSignOut } from "./use-sign-out";

const WARNING_MS = 60_000;

/**
 * Signs the person out after `idleMinutes` without a key press, click, touch or scroll in any of
 * the app's tabs (react-idle-timer, shared across tabs), with a warning a minute before.
 * Background refreshes do not count as activity.
 */
export function IdleSignOut({ idleMinutes }: { idleMinutes: number }) {
  const signOut = useSignOut();
  const [warning, setWarning] = useState(false);
  const [secondsLeft, setSecondsLeft] = useState(60);
  const timer = useIdleTimer({
    timeout: idleMinutes * 60_000,
    promptBeforeIdle: WARNING_MS,
    crossTab: true,
    syncTimers: 1_000,
    events: ["keydown", "mousedown", "touchstart", "wheel", "scroll", "visibilitychange"],
    onPrompt: () => setWarning(true),
    onActive: () => setWarning(false),
    onIdle: () => {
      setWarning(false);
      void signOut("/login?idle=1");
    },
  });

  useEffect(() => {
    if (!warning) return;
    const tick = () => setSecondsLeft(Math.max(0, Math.ceil(timer.getRemainingTime() / 1000)));
    tick();
    const id = setInterval(tick, 1_000);
    return () => clearInterval(id);
  }, [warning, timer]);

  return (
    <Dialog
      open={warning}
      onOpenChange={(open) => {
        if (!open) timer.activate();
      }}
      title="Are you still there?"
      description={
        <>
          For your privacy you will be signed out in <span aria-live="polite">{secondsLeft} seconds</span> because
          nothing has happened for a while.
        </>
      }
    >
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="secondary" onClick={() => void signOut("/login")}>
          Sign out now
        </Button>
        <Button onClick={() => timer.activate()} autoFocus>
          Stay signed in
        </Button>
      </div>
    </Dialog>
  );
}
