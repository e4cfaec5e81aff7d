import { describe, expect, it } from "vitest";
import {
  BOOKING_HORIZON_DAYS,
  bookableDates,
  bookingWindow,
  DEFAULT_WORKING_HOURS,
  formatLocalDate,
  minuteOfDay,
  parseLocalDate,
  SLOT_MINUTES,
  slotRefusal,
  slotsOfDay,
  type WeeklyHours,
} from "./slots";

const LONDON = "Europe/London";
const NEW_YORK = "America/New_York";
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

const PAST = "That time has already passed. Choose a time in the future.";
const TOO_FAR = `Appointments can be requested up to ${BOOKING_HORIZON_DAYS} days ahead.`;
const OFF_GRID = "That time is not one of the doctor's appointment slots. Choose a time from the list.";
const INVALID = "Choose a time from the list.";

describe("constants", () => {
  it("uses 30-minute slots, a 90-day horizon and Monday–Friday 09:00–17:00 by default", () => {
    expect(SLOT_MINUTES).toBe(30);
    expect(BOOKING_HORIZON_DAYS).toBe(90);
    expect(DEFAULT_WORKING_HOURS).toEqual(
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 540, endMinute: 1020 })),
    );
  });
});

describe("slotsOfDay", () => {
  it("gives sixteen half-hour slots from 09:00 to 16:30 UTC on a London winter weekday", () => {
    // Wednesday 14 January 2026: London is on GMT.
    const slots = slotsOfDay({ year: 2026, month: 1, day: 14 }, DEFAULT_WORKING_HOURS, LONDON);
    expect(slots).toHaveLength(16);
    expect(slots[0]!.toISOString()).toBe("2026-01-14T09:00:00.000Z");
    expect(slots[15]!.toISOString()).toBe("2026-01-14T16:30:00.000Z");
    for (let i = 1; i < slots.length; i++) expect(slots[i]!.getTime() - slots[i - 1]!.getTime()).toBe(30 * 60_000);
  });

  it("starts at 08:00 UTC on a London summer weekday (BST)", () => {
    // Wednesday 15 July 2026: London is on BST (UTC+1).
    const slots = slotsOfDay({ year: 2026, month: 7, day: 15 }, DEFAULT_WORKING_HOURS, LONDON);
    expect(slots).toHaveLength(16);
    expect(slots[0]!.toISOString()).toBe("2026-07-15T08:00:00.000Z");
    expect(slots[15]!.toISOString()).toBe("2026-07-15T15:30:00.000Z");
  });

  it("gives no slots on a weekend day without hours", () => {
    expect(slotsOfDay({ year: 2026, month: 1, day: 17 }, DEFAULT_WORKING_HOURS, LONDON)).toEqual([]); // Saturday
    expect(slotsOfDay({ year: 2026, month: 1, day: 18 }, DEFAULT_WORKING_HOURS, LONDON)).toEqual([]); // Sunday
  });

  it("gives no slots with no hours at all", () => {
    expect(slotsOfDay({ year: 2026, month: 1, day: 14 }, [], LONDON)).toEqual([]);
  });

  it("uses the hours of the right weekday", () => {
    const hours: WeeklyHours[] = [
      { weekday: 3, startMinute: 600, endMinute: 660 }, // Wednesday 10:00–11:00
      { weekday: 6, startMinute: 540, endMinute: 570 }, // Saturday 09:00–09:30
    ];
    expect(iso(slotsOfDay({ year: 2026, month: 1, day: 14 }, hours, LONDON))).toEqual([
      "2026-01-14T10:00:00.000Z",
      "2026-01-14T10:30:00.000Z",
    ]);
    expect(iso(slotsOfDay({ year: 2026, month: 1, day: 17 }, hours, LONDON))).toEqual(["2026-01-17T09:00:00.000Z"]);
    expect(slotsOfDay({ year: 2026, month: 1, day: 15 }, hours, LONDON)).toEqual([]); // Thursday
  });

  it("never offers a slot that would run past the end of the day's hours", () => {
    const hours: WeeklyHours[] = [{ weekday: 3, startMinute: 540, endMinute: 600 + 15 }]; // 09:00–10:15
    expect(iso(slotsOfDay({ year: 2026, month: 1, day: 14 }, hours, LONDON))).toEqual([
      "2026-01-14T09:00:00.000Z",
      "2026-01-14T09:30:00.000Z",
    ]);
  });

  it("shifts with the spring daylight-saving change: the week after starts an hour earlier in UTC", () => {
    // London moves to BST on Sunday 29 March 2026.
    expect(slotsOfDay({ year: 2026, month: 3, day: 27 }, DEFAULT_WORKING_HOURS, LONDON)[0]!.toISOString()).toBe(
      "2026-03-27T09:00:00.000Z",
    );
    expect(slotsOfDay({ year: 2026, month: 3, day: 30 }, DEFAULT_WORKING_HOURS, LONDON)[0]!.toISOString()).toBe(
      "2026-03-30T08:00:00.000Z",
    );
  });

  it("leaves out the wall-clock times skipped on the day clocks go forward", () => {
    // Sunday 29 March 2026, 00:00–04:00 London: 01:00 and 01:30 do not exist.
    const sunday: WeeklyHours[] = [{ weekday: 7, startMinute: 0, endMinute: 240 }];
    const slots = slotsOfDay({ year: 2026, month: 3, day: 29 }, sunday, LONDON);
    expect(iso(slots)).toEqual([
      "2026-03-29T00:00:00.000Z", // 00:00 GMT
      "2026-03-29T00:30:00.000Z", // 00:30 GMT
      "2026-03-29T01:00:00.000Z", // 02:00 BST
      "2026-03-29T01:30:00.000Z", // 02:30 BST
      "2026-03-29T02:00:00.000Z", // 03:00 BST
      "2026-03-29T02:30:00.000Z", // 03:30 BST
    ]);
    expect(slots.map((s) => minuteOfDay(s, LONDON))).toEqual([0, 30, 120, 150, 180, 210]);
  });

  it("offers each wall-clock time once on the day clocks go back", () => {
    // Sunday 25 October 2026, 00:00–04:00 London: 01:00–02:00 happens twice.
    const sunday: WeeklyHours[] = [{ weekday: 7, startMinute: 0, endMinute: 240 }];
    const slots = slotsOfDay({ year: 2026, month: 10, day: 25 }, sunday, LONDON);
    expect(slots).toHaveLength(8);
    expect(slots.map((s) => minuteOfDay(s, LONDON))).toEqual([0, 30, 60, 90, 120, 150, 180, 210]);
    expect(new Set(iso(slots)).size).toBe(8);
    expect(slots[0]!.toISOString()).toBe("2026-10-24T23:00:00.000Z"); // 00:00 BST is still the 24th in UTC
    expect(slots[7]!.toISOString()).toBe("2026-10-25T03:30:00.000Z"); // 03:30 GMT
  });

  it("uses the doctor's own zone: New York 09:00 EST is 14:00 UTC", () => {
    const slots = slotsOfDay({ year: 2026, month: 1, day: 14 }, DEFAULT_WORKING_HOURS, NEW_YORK);
    expect(slots).toHaveLength(16);
    expect(slots[0]!.toISOString()).toBe("2026-01-14T14:00:00.000Z");
    expect(slots[15]!.toISOString()).toBe("2026-01-14T21:30:00.000Z");
  });

  it("follows New York's own daylight-saving change, which is not London's", () => {
    // New York moves to EDT on Sunday 8 March 2026; 02:00 and 02:30 do not exist.
    const sunday: WeeklyHours[] = [{ weekday: 7, startMinute: 0, endMinute: 240 }];
    expect(iso(slotsOfDay({ year: 2026, month: 3, day: 8 }, sunday, NEW_YORK))).toEqual([
      "2026-03-08T05:00:00.000Z",
      "2026-03-08T05:30:00.000Z",
      "2026-03-08T06:00:00.000Z",
      "2026-03-08T06:30:00.000Z",
      "2026-03-08T07:00:00.000Z", // 03:00 EDT
      "2026-03-08T07:30:00.000Z",
    ]);
    // Monday 9 March: New York already on EDT (09:00 = 13:00 UTC) while London is still on GMT.
    expect(slotsOfDay({ year: 2026, month: 3, day: 9 }, DEFAULT_WORKING_HOURS, NEW_YORK)[0]!.toISOString()).toBe(
      "2026-03-09T13:00:00.000Z",
    );
    expect(slotsOfDay({ year: 2026, month: 3, day: 9 }, DEFAULT_WORKING_HOURS, LONDON)[0]!.toISOString()).toBe(
      "2026-03-09T09:00:00.000Z",
    );
  });

  it("takes the weekday in the doctor's zone, not in UTC", () => {
    // Friday evening in New York is already Saturday in UTC; the slots still belong to Friday.
    const friday: WeeklyHours[] = [{ weekday: 5, startMinute: 20 * 60, endMinute: 21 * 60 }];
    expect(iso(slotsOfDay({ year: 2026, month: 1, day: 16 }, friday, NEW_YORK))).toEqual([
      "2026-01-17T01:00:00.000Z",
      "2026-01-17T01:30:00.000Z",
    ]);
    expect(slotsOfDay({ year: 2026, month: 1, day: 17 }, friday, NEW_YORK)).toEqual([]);
  });
});

describe("slotRefusal", () => {
  // Wednesday 14 January 2026, 12:00 in London (GMT).
  const now = new Date("2026-01-14T12:00:00Z");
  const hours = DEFAULT_WORKING_HOURS;

  it("accepts a real future slot", () => {
    expect(slotRefusal(new Date("2026-01-15T10:00:00Z"), hours, LONDON, now)).toBeNull();
    expect(slotRefusal(new Date("2026-01-14T12:30:00Z"), hours, LONDON, now)).toBeNull();
    expect(slotRefusal(new Date("2026-01-14T16:30:00Z"), hours, LONDON, now)).toBeNull();
  });

  it("refuses a time in the past, and the present instant", () => {
    expect(slotRefusal(new Date("2026-01-14T10:00:00Z"), hours, LONDON, now)).toBe(PAST);
    expect(slotRefusal(new Date("2026-01-14T12:00:00Z"), hours, LONDON, now)).toBe(PAST);
    expect(slotRefusal(new Date("2025-12-01T10:00:00Z"), hours, LONDON, now)).toBe(PAST);
  });

  it("refuses a time beyond 90 days, and allows the last one within", () => {
    // 90 days after now is Tuesday 14 April 2026 12:00 UTC = 13:00 BST.
    expect(slotRefusal(new Date("2026-04-14T12:00:00Z"), hours, LONDON, now)).toBeNull();
    expect(slotRefusal(new Date("2026-04-14T12:30:00Z"), hours, LONDON, now)).toBe(TOO_FAR);
    expect(slotRefusal(new Date("2026-06-01T09:00:00Z"), hours, LONDON, now)).toBe(TOO_FAR);
  });

  it("refuses an off-grid time", () => {
    expect(slotRefusal(new Date("2026-01-15T10:15:00Z"), hours, LONDON, now)).toBe(OFF_GRID);
    expect(slotRefusal(new Date("2026-01-15T10:00:01Z"), hours, LONDON, now)).toBe(OFF_GRID);
  });

  it("refuses a time outside the doctor's hours", () => {
    expect(slotRefusal(new Date("2026-01-15T17:00:00Z"), hours, LONDON, now)).toBe(OFF_GRID); // 17:00 London: the day has ended
    expect(slotRefusal(new Date("2026-01-15T08:30:00Z"), hours, LONDON, now)).toBe(OFF_GRID); // 08:30 London: not yet open
    expect(slotRefusal(new Date("2026-01-17T10:00:00Z"), hours, LONDON, now)).toBe(OFF_GRID); // Saturday
  });

  it("judges hours in the doctor's zone", () => {
    // 09:00 UTC in winter is 04:00 in New York: outside; 14:00 UTC is 09:00 there: inside.
    expect(slotRefusal(new Date("2026-01-15T09:00:00Z"), hours, NEW_YORK, now)).toBe(OFF_GRID);
    expect(slotRefusal(new Date("2026-01-15T14:00:00Z"), hours, NEW_YORK, now)).toBeNull();
    // In summer London's 09:00 is 08:00 UTC; 16:30 UTC would be 17:30 BST.
    const summerNow = new Date("2026-07-01T06:00:00Z");
    expect(slotRefusal(new Date("2026-07-02T08:00:00Z"), hours, LONDON, summerNow)).toBeNull();
    expect(slotRefusal(new Date("2026-07-02T16:30:00Z"), hours, LONDON, summerNow)).toBe(OFF_GRID);
  });

  it("refuses an invalid Date", () => {
    expect(slotRefusal(new Date("not a date"), hours, LONDON, now)).toBe(INVALID);
    expect(slotRefusal(new Date(NaN), hours, LONDON, now)).toBe(INVALID);
  });
});

describe("bookingWindow and bookableDates", () => {
  const now = new Date("2026-01-14T12:00:00Z");

  it("runs from now to 90 days later", () => {
    const { from, to } = bookingWindow(now);
    expect(from.toISOString()).toBe("2026-01-14T12:00:00.000Z");
    expect(to.toISOString()).toBe("2026-04-14T12:00:00.000Z");
  });

  it("gives the calendar dates in the doctor's zone", () => {
    expect(bookableDates(now, LONDON)).toEqual({
      first: { year: 2026, month: 1, day: 14, weekday: 3 },
      last: { year: 2026, month: 4, day: 14, weekday: 2 },
    });
    // 02:00 UTC on the 14th is still the 13th in New York.
    expect(bookableDates(new Date("2026-01-14T02:00:00Z"), NEW_YORK).first).toEqual({
      year: 2026,
      month: 1,
      day: 13,
      weekday: 2,
    });
  });
});

describe("minuteOfDay", () => {
  it("reads the wall clock in the zone", () => {
    expect(minuteOfDay(new Date("2026-01-14T09:30:00Z"), LONDON)).toBe(570);
    expect(minuteOfDay(new Date("2026-07-14T09:30:00Z"), LONDON)).toBe(630);
    expect(minuteOfDay(new Date("2026-01-14T05:00:00Z"), NEW_YORK)).toBe(0);
  });
});

describe("parseLocalDate and formatLocalDate", () => {
  it("parses a real date", () => {
    expect(parseLocalDate("2026-01-14")).toEqual({ year: 2026, month: 1, day: 14 });
    expect(parseLocalDate("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it("rejects dates that do not exist", () => {
    expect(parseLocalDate("2026-02-30")).toBeNull();
    expect(parseLocalDate("2026-02-29")).toBeNull();
    expect(parseLocalDate("2026-13-01")).toBeNull();
    expect(parseLocalDate("2026-00-10")).toBeNull();
    expect(parseLocalDate("2026-04-31")).toBeNull();
  });

  it("rejects garbage and other formats", () => {
    for (const value of [
      "",
      "garbage",
      "2026-1-14",
      "14/01/2026",
      "2026-01-14T00:00",
      " 2026-01-14",
      "2026-01-1a",
      "20260114",
    ]) {
      expect(parseLocalDate(value)).toBeNull();
    }
  });

  it("formats with zero padding and round-trips", () => {
    expect(formatLocalDate({ year: 2026, month: 3, day: 5 })).toBe("2026-03-05");
    expect(parseLocalDate(formatLocalDate({ year: 2026, month: 12, day: 31 }))).toEqual({
      year: 2026,
      month: 12,
      day: 31,
    });
  });
});
