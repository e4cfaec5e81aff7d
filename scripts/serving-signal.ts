/**
 * How a server process under `npm start` with several processes (scripts/server-processes.ts)
 * tells its cluster primary that its database is ready: from then on, if it stops it is replaced;
 * before, its stopping is a failed start.
 */
export const SERVING_MESSAGE = { type: "carebridge:serving" } as const;

export function tellPrimaryServing(): void {
  // Only a cluster worker (or another child with an IPC channel) has process.send.
  process.send?.(SERVING_MESSAGE);
}

export function isServingMessage(message: unknown): boolean {
  return (
    typeof message === "object" && message !== null && (message as { type?: unknown }).type === SERVING_MESSAGE.type
  );
}
