import { describe, expect, it } from "vitest";
import {
  appointmentDecisionSchema,
  isTimeZone,
  requestAppointmentSchema,
  workingHoursSchema,
  WEEKDAYS,
} from "./appointments";

const DOCTOR_ID = "0b6c5a2e-8a51-4c36-9a8e-3d7f1b2c4e5f";
const APPOINTMENT_ID = "7d1f3c8e-2b4a-4f6d-8c9e-1a2b3c4d5e6f";

/** The first message zod gives for each field path, joined by dots. */
function errorsOf(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}): Record<string, string> {
  expect(result.success).toBe(false);
  const out: Record<string, string> = {};
  for (const issue of result.error!.issues) out[issue.path.map(String).join(".")] ??= issue.message;
  return out;
}

describe("requestAppointmentSchema", () => {
  const valid = { doctorId: DOCTOR_ID, startsAt: "2026-01-15T10:00:00.000Z", reason: "  A rash on my arm.  " };

  it("accepts a valid request, trimming the reason and turning the time into a Date", () => {
    const parsed = requestAppointmentSchema.parse(valid);
    expect(parsed.doctorId).toBe(DOCTOR_ID);
    expect(parsed.startsAt).toBeInstanceOf(Date);
    expect(parsed.startsAt.toISOString()).toBe("2026-01-15T10:00:00.000Z");
    expect(parsed.reason).toBe("A rash on my arm.");
  });

  it("accepts a time with an offset and reads it as the same instant", () => {
    const parsed = requestAppointmentSchema.parse({ ...valid, startsAt: "2026-07-15T09:00:00+01:00" });
    expect(parsed.startsAt.toISOString()).toBe("2026-07-15T08:00:00.000Z");
  });

  it.each([
    "not-a-uuid",
    "",
    "0b6c5a2e-8a51-4c36-9a8e-3d7f1b2c4e5",
    "0b6c5a2e8a514c369a8e3d7f1b2c4e5f",
    "'; drop table users; --",
  ])("refuses the malformed doctor id %j", (doctorId) => {
    expect(errorsOf(requestAppointmentSchema.safeParse({ ...valid, doctorId }))).toEqual({
      doctorId: "That doctor was not found.",
    });
  });

  it("refuses a missing doctor id", () => {
    expect(errorsOf(requestAppointmentSchema.safeParse({ startsAt: valid.startsAt, reason: "x" })).doctorId).toBe(
      "That doctor was not found.",
    );
  });

  it.each([
    "tomorrow",
    "",
    "2026-01-15",
    "2026-01-15 10:00",
    "15/01/2026 10:00",
    "2026-01-15T10:00",
    "2026-02-30T10:00:00Z",
  ])("refuses the non-ISO time %j", (startsAt) => {
    expect(errorsOf(requestAppointmentSchema.safeParse({ ...valid, startsAt }))).toEqual({
      startsAt: "Choose a time from the list.",
    });
  });

  it("refuses a number instead of a time", () => {
    expect(errorsOf(requestAppointmentSchema.safeParse({ ...valid, startsAt: 1_768_471_200_000 })).startsAt).toBe(
      "Choose a time from the list.",
    );
  });

  it.each([
    ["empty", ""],
    ["whitespace only", "   \n\t  "],
    ["control characters only", "\u0000\u0007\u001b"],
  ])("refuses a reason that is %s", (_label, reason) => {
    expect(errorsOf(requestAppointmentSchema.safeParse({ ...valid, reason }))).toEqual({
      reason: "Enter the reason for your visit.",
    });
  });

  it("refuses a missing reason", () => {
    expect(errorsOf(requestAppointmentSchema.safeParse({ doctorId: DOCTOR_ID, startsAt: valid.startsAt })).reason).toBe(
      "Enter the reason for your visit.",
    );
  });

  it("accepts 500 characters and refuses 501", () => {
    expect(requestAppointmentSchema.parse({ ...valid, reason: "a".repeat(500) }).reason).toHaveLength(500);
    expect(errorsOf(requestAppointmentSchema.safeParse({ ...valid, reason: "a".repeat(501) }))).toEqual({
      reason: "Use at most 500 characters.",
    });
  });

  it("counts the length after trimming", () => {
    expect(requestAppointmentSchema.parse({ ...valid, reason: `  ${"a".repeat(500)}  ` }).reason).toHaveLength(500);
  });

  it("strips control characters but keeps line breaks and tabs", () => {
    const parsed = requestAppointmentSchema.parse({
      ...valid,
      reason: "Head\u0000ache\u0007 since\u001b Monday\u007f.\nWorse\tat night.",
    });
    expect(parsed.reason).toBe("Headache since Monday.\nWorse\tat night.");
  });

  it("keeps non-ASCII text intact", () => {
    expect(requestAppointmentSchema.parse({ ...valid, reason: "Douleur à l'épaule — 肩の痛み" }).reason).toBe(
      "Douleur à l'épaule — 肩の痛み",
    );
  });
});

describe("appointmentDecisionSchema", () => {
  it("accepts an appointment id without a note", () => {
    expect(appointmentDecisionSchema.parse({ appointmentId: APPOINTMENT_ID })).toEqual({
      appointmentId: APPOINTMENT_ID,
      note: undefined,
    });
  });

  it("trims the note", () => {
    expect(
      appointmentDecisionSchema.parse({ appointmentId: APPOINTMENT_ID, note: "  Please see a specialist.  " }).note,
    ).toBe("Please see a specialist.");
  });

  it("turns an empty, blank or control-only note into no note", () => {
    for (const note of ["", "   ", "\n\t", "\u0000\u0001"]) {
      expect(appointmentDecisionSchema.parse({ appointmentId: APPOINTMENT_ID, note }).note).toBeUndefined();
    }
  });

  it("strips control characters from the note", () => {
    expect(appointmentDecisionSchema.parse({ appointmentId: APPOINTMENT_ID, note: "Busy\u0007 that day" }).note).toBe(
      "Busy that day",
    );
  });

  it("accepts 500 characters and refuses 501", () => {
    expect(appointmentDecisionSchema.parse({ appointmentId: APPOINTMENT_ID, note: "n".repeat(500) }).note).toHaveLength(
      500,
    );
    expect(
      errorsOf(appointmentDecisionSchema.safeParse({ appointmentId: APPOINTMENT_ID, note: "n".repeat(501) })),
    ).toEqual({ note: "Use at most 500 characters." });
  });

  it("refuses a forged appointment id", () => {
    for (const appointmentId of ["1", "abc", "", `${APPOINTMENT_ID}x`]) {
      expect(errorsOf(appointmentDecisionSchema.safeParse({ appointmentId }))).toEqual({
        appointmentId: "That appointment was not found.",
      });
    }
  });
});

describe("workingHoursSchema", () => {
  const week = () => WEEKDAYS.map((_, i) => ({ weekday: i + 1, enabled: i < 5, start: "09:00", end: "17:00" }));

  it("accepts a normal week and turns times into minutes", () => {
    const parsed = workingHoursSchema.parse({ timeZone: "Europe/London", days: week() });
    expect(parsed.timeZone).toBe("Europe/London");
    expect(parsed.days).toHaveLength(7);
    expect(parsed.days[0]).toEqual({ weekday: 1, enabled: true, start: 540, end: 1020 });
  });

  it("accepts half past and the end of the day 24:00", () => {
    const days = week();
    days[0] = { weekday: 1, enabled: true, start: "08:30", end: "24:00" };
    expect(workingHoursSchema.parse({ timeZone: "America/New_York", days }).days[0]).toMatchObject({
      start: 510,
      end: 1440,
    });
  });

  it.each(["Mars/Olympus", "", "London", "Europe/Londn", "x".repeat(65)])("refuses the time zone %j", (timeZone) => {
    expect(errorsOf(workingHoursSchema.safeParse({ timeZone, days: week() }))).toEqual({
      timeZone: "Choose a time zone from the list.",
    });
  });

  it("refuses an off-grid time such as 09:15", () => {
    const days = week();
    days[2] = { ...days[2]!, start: "09:15" };
    expect(errorsOf(workingHoursSchema.safeParse({ timeZone: "Europe/London", days }))).toEqual({
      "days.2.start": "Use a time on the hour or half past.",
    });
  });

  it.each(["9:00", "25:00", "09:60", "nine", "24:30"])("refuses the malformed time %j", (start) => {
    const days = week();
    days[0] = { ...days[0]!, start };
    expect(errorsOf(workingHoursSchema.safeParse({ timeZone: "Europe/London", days }))["days.0.start"]).toBe(
      "Use a time like 09:00.",
    );
  });

  it("refuses a day that ends before (or when) it starts", () => {
    for (const [start, end] of [
      ["17:00", "09:00"],
      ["10:00", "10:00"],
    ] as const) {
      const days = week();
      days[1] = { weekday: 2, enabled: true, start, end };
      expect(errorsOf(workingHoursSchema.safeParse({ timeZone: "Europe/London", days }))).toEqual({
        "days.1.end": "The day must end after it starts.",
      });
    }
  });

  it("does not check the order of a day that is switched off", () => {
    const days = week();
    days[6] = { weekday: 7, enabled: false, start: "17:00", end: "09:00" };
    expect(workingHoursSchema.safeParse({ timeZone: "Europe/London", days }).success).toBe(true);
  });

  it("refuses six days instead of seven, and eight", () => {
    expect(
      Object.keys(errorsOf(workingHoursSchema.safeParse({ timeZone: "Europe/London", days: week().slice(0, 6) }))),
    ).toEqual(["days"]);
    expect(
      Object.keys(errorsOf(workingHoursSchema.safeParse({ timeZone: "Europe/London", days: [...week(), week()[0]!] }))),
    ).toEqual(["days"]);
  });

  it("refuses a weekday number out of range", () => {
    const days = week();
    days[0] = { ...days[0]!, weekday: 8 };
    expect(Object.keys(errorsOf(workingHoursSchema.safeParse({ timeZone: "Europe/London", days })))).toEqual([
      "days.0.weekday",
    ]);
  });
});

describe("isTimeZone", () => {
  it("knows real IANA zones and UTC", () => {
    for (const zone of ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "UTC"])
      expect(isTimeZone(zone)).toBe(true);
  });

  it("refuses made-up, empty and over-long names", () => {
    for (const zone of ["Mars/Olympus", "", "Not a zone", "Europe/Atlantis", `Europe/${"x".repeat(60)}`])
      expect(isTimeZone(zone)).toBe(false);
  });
});
