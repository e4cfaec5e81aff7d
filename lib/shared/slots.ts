import { addDays, localDateOf, zonedToUtc, type LocalDate } from "./time";

export const SLOT_MINUTES = 30;
export const BOOKING_HORIZON_DAYS = 90;

export interface WeeklyHours {
  weekday: number; // ISO: 1 = Monday … 7 = Sunday
  startMinute: number;
  endMinute: number;
}

export const DEFAULT_WORKING_HOURS: WeeklyHours[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  startMinute: 9 * 60,
  endMinute: 17 * 60,
}));

/** Every slot start of one local calendar day in the doctor's zone, as UTC instants. */
export function slotsOfDay(date: LocalDate, hours: readonly WeeklyHours[], timeZone: string): Date[] {
  const weekday = addDays(date, 0).weekday;
  const day = hours.find((h) => h.weekday === weekday);
  if (!day) return [];
  const out: Date[] = [];
  for (let m = day.startMinute; m + SLOT_MINUTES <= day.endMinute; m += SLOT_MINUTES) {
    const instant = zonedToUtc(date, m, timeZone);
    // A wall-clock time skipped by a daylight-saving change maps elsewhere: leave it out.
    const back = localDateOf(instant, timeZone);
    if (
      back.year === date.year &&
      back.month === date.month &&
      back.day === date.day &&
      minuteOfDay(instant, timeZone) === m
    ) {
      out.push(instant);
    }
  }
  return out;
}

export function minuteOfDay(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return get("hour") * 60 + get("minute");
}

export function bookingWindow(now: Date): { from: Date; to: Date } {
  return { from: now, to: new Date(now.getTime() + BOOKING_HORIZON_DAYS * 24 * 60 * 60 * 1000) };
}

/**
 * Why a requested start time cannot be booked with this doctor, or null when it is a real slot:
 * on the 30-minute grid of the doctor's working hours, in the future and within 90 days.
 */
export function slotRefusal(startsAt: Date, hours: readonly WeeklyHours[], timeZone: string, now: Date): string | null {
  if (Number.isNaN(startsAt.getTime())) return "Choose a time from the list.";
  const { from, to } = bookingWindow(now);
  if (startsAt.getTime() <= from.getTime()) return "That time has already passed. Choose a time in the future.";
  if (startsAt.getTime() > to.getTime())
    return `Appointments can be requested up to ${BOOKING_HORIZON_DAYS} days ahead.`;
  const date = localDateOf(startsAt, timeZone);
  const onGrid = slotsOfDay(date, hours, timeZone).some((s) => s.getTime() === startsAt.getTime());
  return onGrid ? null : "That time is not one of the doctor's appointment slots. Choose a time from the list.";
}

/** The calendar dates (in the doctor's zone) a patient may pick, today first. */
export function bookableDates(now: Date, timeZone: string): { first: LocalDate; last: LocalDate } {
  const first = localDateOf(now, timeZone);
  return { first, last: addDays(first, BOOKING_HORIZON_DAYS) };
}

export function formatLocalDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

export function parseLocalDate(value: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = addDays(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : null;
}
