import { TZDate } from "@date-fns/tz";

export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

/** The instant at which the wall clock in `timeZone` shows this date and time. */
export function zonedToUtc(date: LocalDate, minuteOfDay: number, timeZone: string): Date {
  const hours = Math.floor(minuteOfDay / 60);
  return new Date(new TZDate(date.year, date.month - 1, date.day, hours, minuteOfDay % 60, timeZone).getTime());
}

/** The calendar date an instant falls on in `timeZone`, with its ISO weekday (1 = Monday). */
export function localDateOf(instant: Date, timeZone: string): LocalDate & { weekday: number } {
  const z = new TZDate(instant.getTime(), timeZone);
  const weekday = z.getDay() === 0 ? 7 : z.getDay();
  return { year: z.getFullYear(), month: z.getMonth() + 1, day: z.getDate(), weekday };
}

/** The date `days` calendar days after `date`. */
export function addDays(date: LocalDate, days: number): LocalDate & { weekday: number } {
  const utc = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  const weekday = utc.getUTCDay() === 0 ? 7 : utc.getUTCDay();
  return { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate(), weekday };
}
