import "server-only";
import { pgError } from "@/db/errors";

/** An expected failure of a domain rule, with the message a person may read. */
export type DomainErrorCode =
  "not_found" | "conflict" | "invalid" | "forbidden" | "rate_limited" | "too_large" | "unsupported_type";

const HTTP_STATUS: Record<DomainErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  forbidden: 403,
  rate_limited: 429,
  too_large: 413,
  unsupported_type: 415,
};

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "DomainError";
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export const notFoundError = (what = "That item") => new DomainError("not_found", `${what} was not found.`);

/**
 * What may be logged about an unexpected error: its name and database code, never its message,
 * which for a failed query holds the parameters (message bodies, visit reasons).
 */
export function describeError(error: unknown): string {
  const { code, constraint } = pgError(error);
  const name = error instanceof Error ? error.name : typeof error;
  // A mail server's reply code (nodemailer's responseCode) says why an email failed, and holds nothing of it.
  const smtp = (error as { responseCode?: unknown } | null)?.responseCode;
  return [
    name,
    code && `sqlstate ${code}`,
    constraint && `constraint ${constraint}`,
    typeof smtp === "number" && `smtp ${smtp}`,
  ]
    .filter(Boolean)
    .join(" ");
}
