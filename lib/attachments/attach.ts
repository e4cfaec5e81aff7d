import "server-only";
import { DomainError } from "@/lib/errors";
import { formatBytes } from "@/lib/shared/attachments";
import { attachmentLimits } from "./limits";

/*
 * A message takes the sender's unsent uploads in its room inside its one database call
 * (carebridge_send_message: locked, all present, within the size limit, numbered in the order
 * given); a resend with the same client id returns the stored message, so files are attached once.
 */

export const FILES_MISSING =
  "One of the files is no longer available (files not sent within an hour are removed). Attach it again.";

/** Refuses more files than a message may carry, before anything is asked of the database. */
export function checkFileCount(count: number): void {
  const { maxFiles } = attachmentLimits();
  if (count > maxFiles) throw new DomainError("invalid", `A message can have at most ${maxFiles} files.`);
}

export function filesTooLarge(total: number): DomainError {
  return new DomainError(
    "too_large",
    `These files come to ${formatBytes(total)}: a message can carry at most ${formatBytes(attachmentLimits().maxMessageBytes)}.`,
  );
}
