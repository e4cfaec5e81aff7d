/** The exit code of a process that stopped on a signal, as a shell reports it (128 + its number). */
export const EXIT_ON_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

export type StopSignal = keyof typeof EXIT_ON_SIGNAL;

export function isStopSignal(signal: string | null | undefined): signal is StopSignal {
  return signal === "SIGINT" || signal === "SIGTERM";
}

/** The stop signal behind a process's end: the signal itself, or the exit code it leads to. */
export function stopSignalOf(code: number | null, signal: string | null): StopSignal | null {
  if (isStopSignal(signal)) return signal;
  if (code === EXIT_ON_SIGNAL.SIGINT) return "SIGINT";
  if (code === EXIT_ON_SIGNAL.SIGTERM) return "SIGTERM";
  return null;
}
