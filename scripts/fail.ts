import { closeDatabase } from "@/db";

/** Ends a script with one clear line instead of a stack trace for the errors people cause. */
export function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\n${message}\n`);
  void closeDatabase()
    .catch(() => {})
    .finally(() => process.exit(1));
}
