/** An expected failure of a domain rule, with the message a person may read. */
export type DomainErrorCode = "not_found" | "conflict" | "invalid" | "forbidden";

const HTTP_STATUS: Record<DomainErrorCode, number> = { not_found: 404, conflict: 409, invalid: 400, forbidden: 403 };

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
