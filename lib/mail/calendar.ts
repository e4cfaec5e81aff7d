import "server-only";
import { createEvent } from "ics";

/**
 * An appointment as a calendar file (RFC 5545, from the `ics` library). It names the other person
 * and the time, never the reason for the visit. The uid stays the same for one appointment and the
 * sequence grows with each change, so a calendar updates its event instead of adding a second.
 */
export function appointmentCalendarFile(input: {
  appointmentId: string;
  startsAt: Date;
  minutes: number;
  title: string;
  url: string;
  /** Bumped when the appointment moves or is cancelled (seconds since 2020 work). */
  sequence: number;
  cancelled?: boolean;
}): string {
  const { error, value } = createEvent({
    productId: "carebridge/appointments",
    method: input.cancelled ? "CANCEL" : "PUBLISH",
    uid: `${input.appointmentId}@carebridge`,
    sequence: input.sequence,
    start: input.startsAt.getTime(),
    startInputType: "utc",
    startOutputType: "utc",
    duration: { minutes: input.minutes },
    title: input.title,
    url: input.url,
    status: input.cancelled ? "CANCELLED" : "CONFIRMED",
  });
  if (error || !value) throw new Error("The calendar file could not be made.");
  return value;
}
