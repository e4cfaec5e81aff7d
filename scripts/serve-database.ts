import { closeDatabase } from "@/db";
import { failureMessage } from "@/db/failure-message";
import { prepareDatabase } from "@/db/startup";
import { readEnv } from "@/lib/env";
import { jobQueue, stopJobQueue } from "@/lib/jobs/queue";
import { startJobWorkers } from "@/lib/jobs/workers";
import { EXIT_ON_SIGNAL } from "./exit-codes";
import { tellPrimaryServing } from "./serving-signal";

/** A server process's life around its database: readied before serving, closed cleanly on a stop signal. */

let closing = false;

/** Closes the database cleanly on Ctrl+C or SIGTERM, then exits. */
export function closeDatabaseOnSignals(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // `on`, not `once`: Ctrl+C reaches both npm's wrapper and the server, and a second signal
    // must not kill the process before the database is closed.
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      // A close that hangs must not leave the process unkillable by Ctrl+C.
      setTimeout(() => process.exit(1), 5_000).unref();
      stopJobQueue()
        .then(() => closeDatabase())
        .catch((error: unknown) => console.error("Error while closing the database:", error))
        .finally(() => process.exit(EXIT_ON_SIGNAL[signal]));
    });
  }
}

/** For the server's start: prepare, or say in one line why not and stop. */
export async function prepareDatabaseOrExit(): Promise<void> {
  closeDatabaseOnSignals();
  try {
    await prepareDatabase();
    // The job queue's schema is made (or brought up to date) before serving; this process then
    // works on jobs unless JOB_WORKERS=0 says it is a web-only instance.
    await jobQueue();
    if (readEnv().JOB_WORKERS === 1) await startJobWorkers();
    tellPrimaryServing();
  } catch (error) {
    // A database in use by another process, a bad environment or an unreachable server:
    // one clear line and stop, rather than serve pages that all fail.
    console.error(`\nCarebridge cannot start: ${failureMessage(error)}\n`);
    process.exit(1);
  }
}
