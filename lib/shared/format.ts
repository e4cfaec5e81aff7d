/**
 * Every date and time the product shows, formatted here and nowhere else: one locale, one way of
 * naming the zone. A zone at UTC+0 without daylight saving is called "UTC" however it was spelled
 * ("UTC", "Etc/UTC", "Etc/GMT"); a zone with summer time keeps its own short name (GMT / BST).
 */

const LOCALE = "en-GB";

const STYLES = {
  /** "Tue 1 Dec 2026, 14:30 UTC": an appointment. */
  dateTime: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" },
  /** "14:30". */
  time: { hour: "2-digit", minute: "2-digit" },
  /** "Tuesday 1 December 2026". */
  day: { weekday: "long", day: "numeric", month: "long", year: "numeric" },
  /** "Tue 1 Dec": a day to pick. */
  shortDay: { weekday: "short", day: "numeric", month: "short" },
  /** "1 Dec 2026". */
  date: { day: "numeric", month: "short", year: "numeric" },
  /** "1 Dec": a date within a list. */
  dayMonth: { day: "numeric", month: "short" },
  /** "1 Dec, 14:30": a message. */
  dayMonthTime: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" },
  /** "1 Dec 2026, 14:30:05": an audit event. */
  exact: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

export type DateStyle = keyof typeof STYLES;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: DateStyle, timeZone: string): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(LOCALE, { ...STYLES[style], timeZone })));
  return f;
}

/** An instant in one of the product's styles, in the viewer's zone (not named: see formatDateTime). */
export function formatInstant(instant: Date | string, style: DateStyle, timeZone: string): string {
  return formatter(style, timeZone).format(typeof instant === "string" ? new Date(instant) : instant);
}

/** The zone's short name at that instant: "UTC", "GMT", "BST", "CET", "GMT+5:30"… */
export function zoneAbbreviation(timeZone: string, at: Date = new Date()): string {
  const short = new Intl.DateTimeFormat(LOCALE, { timeZone, timeZoneName: "short" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  return short ?? timeZone;
}

/** An appointment's time with its zone named: "Tue 1 Dec 2026, 14:30 UTC". */
export function formatDateTime(instant: Date, timeZone: string): string {
  return `${formatInstant(instant, "dateTime", timeZone)} ${zoneAbbreviation(timeZone, instant)}`;
}

export function formatTime(instant: Date, timeZone: string): string {
  return formatInstant(instant, "time", timeZone);
}

export function formatDay(instant: Date, timeZone: string): string {
  return formatInstant(instant, "day", timeZone);
}

/** A zone as a sentence names it: "Europe/London (GMT)", or "UTC". */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const short = zoneAbbreviation(timeZone, at);
  const name = timeZone.replace(/_/g, " ");
  if (short === "UTC") return "UTC";
  return short !== timeZone ? `${name} (${short})` : name;
}

/** Whether two instants fall on the same calendar day in this zone. */
export function sameDay(a: Date, b: Date, timeZone: string): boolean {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone });
  return day.format(a) === day.format(b);
}
