import { closeDatabase } from "@/db";
import { failureMessage } from "@/db/failure-message";

/** Ends a script with one clear line instead of a stack trace for the errors people cause. */
export function fail(error: unknown): void {
  console.error(`\n${failureMessage(error)}\n`);
  void closeDatabase()
    .catch(() => {})
    .finally(() => process.exit(1));
}
