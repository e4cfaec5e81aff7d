import { formatDateTime, formatDay } from "./format";

/**
 * What a doctor tells patients to expect (set on the doctor's settings page, lib/doctors/care.ts):
 * the words are made here once, for the directory, the thread, the composer and the automatic reply.
 */

export interface AwayPeriod {
  /** First instant away (the start of the first day in the doctor's zone). */
  from: Date;
  /** First instant back (the start of the day they return): the period ends by itself then. */
  until: Date;
  message: string;
  colleague: string;
}

/** The away period if `now` falls in it: a plain comparison, so it ends by itself at `until`. */
export function awayAt(period: AwayPeriod | null, now: Date): AwayPeriod | null {
  return period && period.from <= now && now < period.until ? period : null;
}

export function replyTimeLine(doctor: string, replyDays: number): string {
  return `${doctor} usually replies within ${replyDays} business ${replyDays === 1 ? "day" : "days"}.`;
}

/** The away notice, as the directory and the thread show it and as the automatic reply says it. */
export function awayNoticeText(doctor: string, period: AwayPeriod, timeZone: string): string {
  const parts = [`${doctor} is away and back on ${formatDay(period.until, timeZone)}.`];
  if (period.message) parts.push(period.message);
  if (period.colleague) parts.push(`Meanwhile you can contact ${period.colleague}.`);
  return parts.join(" ");
}

/** The automatic reply: the notice, marked as automatic in the thread by its kind. */
export function awayReplyText(doctor: string, period: AwayPeriod, timeZone: string): string {
  return `${awayNoticeText(doctor, period, timeZone)} Your message has been kept and will be read when ${doctor} is back. In an emergency, call your local emergency number.`;
}

/** The refusal of a send into a room whose reply window has passed. */
export function windowClosedText(closesAt: Date, timeZone: string): string {
  return `This conversation closed on ${formatDateTime(closesAt, timeZone)}. You can still read it; to write again, request a new appointment.`;
}

/**
 * The reply window: a conversation stays open until its appointment's time plus the doctor's
 * window (doctor_profiles.reply_window_days), or until the doctor's reopening if that is later.
 * Sending applies the same rule inside carebridge_send_message (migration 0014), so a room closes
 * by the clock alone: nothing has to run for it to close.
 */
export function closesAtOf(input: { startsAt: Date; replyWindowDays: number; reopenedUntil: Date | null }): Date {
  const end = new Date(input.startsAt.getTime() + input.replyWindowDays * 86_400_000);
  return input.reopenedUntil && input.reopenedUntil > end ? input.reopenedUntil : end;
}
