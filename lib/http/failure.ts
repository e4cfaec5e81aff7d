import "server-only";
import { isDatabaseUnavailable } from "@/db/errors";
import { describeError, DomainError } from "@/lib/errors";
import type { FieldErrors } from "@/lib/schemas/form";

export const UNEXPECTED = "Something went wrong on our side and nothing was changed. Please try again.";
export const UNAVAILABLE = "Carebridge is unavailable for a moment. Nothing was changed. Please try again shortly.";

export interface Failure {
  status: number;
  message: string;
  fieldErrors?: FieldErrors;
}

/**
 * The one mapping from what a domain call threw to what a person is told, for every door: a domain
 * rule's refusal keeps its own message and status; a database out of reach answers 503; anything
 * else is logged (its name and SQL state, never a message, which may hold user text) and answered
 * with a calm 500.
 */
export function failureOf(error: unknown, door: string): Failure {
  if (error instanceof DomainError)
    return { status: error.httpStatus, message: error.message, fieldErrors: error.fieldErrors };
  if (isDatabaseUnavailable(error)) {
    console.error(`${door}: the database is unavailable:`, describeError(error));
    return { status: 503, message: UNAVAILABLE };
  }
  console.error(`${door} failed:`, describeError(error));
  return { status: 500, message: UNEXPECTED };
}
