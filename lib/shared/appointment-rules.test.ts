import { describe, expect, it } from "vitest";
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "@/lib/shared/model";
import {
  ACTION_TARGET,
  availableActions,
  canTransition,
  isDoctorOrPatient,
  mayAct,
  partyOf,
  timingRefusal,
  transitionRefusal,
  TRANSITIONS,
  type AppointmentAction,
  type Party,
} from "./appointment-rules";

const ACTIONS: AppointmentAction[] = ["accept", "decline", "cancel", "complete"];
const PARTIES: Party[] = ["patient", "doctor", null];

/** The legal moves, written out independently of the module: requested → accepted | declined | cancelled; accepted → cancelled | completed. */
const LEGAL = new Set([
  "requested>accepted",
  "requested>declined",
  "requested>cancelled",
  "accepted>cancelled",
  "accepted>completed",
]);

const allPairs = APPOINTMENT_STATUSES.flatMap((from) => APPOINTMENT_STATUSES.map((to) => [from, to] as const));

describe("the transition table", () => {
  it("has an entry for every status and nothing else", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...APPOINTMENT_STATUSES].sort());
  });

  it.each(allPairs.filter(([from, to]) => LEGAL.has(`${from}>${to}`)))("allows %s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(allPairs.filter(([from, to]) => !LEGAL.has(`${from}>${to}`)))("refuses %s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it("counts exactly five legal moves out of twenty-five", () => {
    expect(allPairs.filter(([from, to]) => canTransition(from, to))).toHaveLength(5);
    expect(allPairs).toHaveLength(25);
  });

  it("leaves the settled statuses with no way out", () => {
    for (const settled of ["declined", "cancelled", "completed"] as const) {
      expect(TRANSITIONS[settled]).toEqual([]);
    }
  });

  it("maps each action to the status it leads to", () => {
    expect(ACTION_TARGET).toEqual({
      accept: "accepted",
      decline: "declined",
      cancel: "cancelled",
      complete: "completed",
    });
  });
});

describe("partyOf", () => {
  const appointment = { patientId: "p-1", doctorId: "d-1" };
  it("names the patient, the doctor, or nobody", () => {
    expect(partyOf(appointment, "p-1")).toBe("patient");
    expect(partyOf(appointment, "d-1")).toBe("doctor");
    expect(partyOf(appointment, "someone-else")).toBeNull();
    expect(partyOf(appointment, "")).toBeNull();
  });
});

describe("mayAct", () => {
  /** Who may do what, written out as the issue states it. */
  function expected(party: Party, action: AppointmentAction, status: AppointmentStatus): boolean {
    if (party === null) return false;
    if (action === "cancel") return party === "patient" || status !== "requested";
    return party === "doctor";
  }

  const cases = PARTIES.flatMap((party) =>
    ACTIONS.flatMap((action) => APPOINTMENT_STATUSES.map((status) => [party, action, status] as const)),
  );

  it.each(cases)("party %s, action %s, status %s", (party, action, status) => {
    expect(mayAct(party, action, status)).toBe(expected(party, action, status));
  });

  it("never lets the patient accept, decline or complete, in any status", () => {
    for (const action of ["accept", "decline", "complete"] as const) {
      for (const status of APPOINTMENT_STATUSES) expect(mayAct("patient", action, status)).toBe(false);
    }
  });

  it("lets the patient cancel and the doctor accept, decline and complete", () => {
    expect(mayAct("patient", "cancel", "requested")).toBe(true);
    expect(mayAct("patient", "cancel", "accepted")).toBe(true);
    expect(mayAct("doctor", "accept", "requested")).toBe(true);
    expect(mayAct("doctor", "decline", "requested")).toBe(true);
    expect(mayAct("doctor", "complete", "accepted")).toBe(true);
  });

  it("does not let the doctor cancel a request that is still waiting, but does once accepted", () => {
    expect(mayAct("doctor", "cancel", "requested")).toBe(false);
    expect(mayAct("doctor", "cancel", "accepted")).toBe(true);
  });

  it("lets a stranger do nothing at all", () => {
    expect(
      cases.filter(([party]) => party === null).some(([party, action, status]) => mayAct(party, action, status)),
    ).toBe(false);
  });
});

describe("transitionRefusal", () => {
  it("is null for every legal move", () => {
    expect(transitionRefusal("accept", "requested")).toBeNull();
    expect(transitionRefusal("decline", "requested")).toBeNull();
    expect(transitionRefusal("cancel", "requested")).toBeNull();
    expect(transitionRefusal("cancel", "accepted")).toBeNull();
    expect(transitionRefusal("complete", "accepted")).toBeNull();
  });

  it("refuses every other action and status with a message", () => {
    for (const action of ACTIONS) {
      for (const status of APPOINTMENT_STATUSES) {
        const refusal = transitionRefusal(action, status);
        if (canTransition(status, ACTION_TARGET[action])) expect(refusal).toBeNull();
        else expect(refusal).toMatch(/\S/);
      }
    }
  });

  it("says why, in plain words", () => {
    expect(transitionRefusal("accept", "accepted")).toBe(
      "This appointment is already accepted, so it cannot be accepted.",
    );
    expect(transitionRefusal("accept", "declined")).toBe(
      "This appointment is already declined, so it cannot be accepted.",
    );
    expect(transitionRefusal("decline", "accepted")).toBe(
      "This appointment is already accepted, so it cannot be declined.",
    );
    expect(transitionRefusal("cancel", "cancelled")).toBe(
      "This appointment is already cancelled, so it cannot be cancelled.",
    );
    expect(transitionRefusal("cancel", "completed")).toBe(
      "This appointment is already completed, so it cannot be cancelled.",
    );
    expect(transitionRefusal("complete", "completed")).toBe(
      "This appointment is already completed, so it cannot be marked completed.",
    );
    expect(transitionRefusal("complete", "cancelled")).toBe(
      "This appointment is already cancelled, so it cannot be marked completed.",
    );
  });

  it("explains that only an accepted appointment can be completed", () => {
    expect(transitionRefusal("complete", "requested")).toBe("Only an accepted appointment can be marked completed.");
  });
});

describe("timingRefusal", () => {
  const startsAt = new Date("2026-01-15T10:00:00Z");
  const before = new Date("2026-01-15T09:59:59Z");
  const after = new Date("2026-01-15T10:00:01Z");

  it("allows accepting and cancelling before the start", () => {
    expect(timingRefusal("accept", startsAt, before)).toBeNull();
    expect(timingRefusal("cancel", startsAt, before)).toBeNull();
  });

  it("refuses accepting once the time has come", () => {
    expect(timingRefusal("accept", startsAt, startsAt)).toBe("This request's time has already passed.");
    expect(timingRefusal("accept", startsAt, after)).toBe("This request's time has already passed.");
  });

  it("refuses cancelling once the appointment has started", () => {
    expect(timingRefusal("cancel", startsAt, startsAt)).toBe(
      "An appointment that has started can no longer be cancelled.",
    );
    expect(timingRefusal("cancel", startsAt, after)).toBe(
      "An appointment that has started can no longer be cancelled.",
    );
  });

  it("allows completing only once it has started", () => {
    expect(timingRefusal("complete", startsAt, before)).toBe(
      "An appointment can be marked completed once it has started.",
    );
    expect(timingRefusal("complete", startsAt, startsAt)).toBeNull();
    expect(timingRefusal("complete", startsAt, after)).toBeNull();
  });

  it("puts no time limit on declining", () => {
    expect(timingRefusal("decline", startsAt, before)).toBeNull();
    expect(timingRefusal("decline", startsAt, after)).toBeNull();
  });
});

describe("availableActions", () => {
  const patientId = "patient-1";
  const doctorId = "doctor-1";
  const now = new Date("2026-01-14T12:00:00Z");
  const future = new Date("2026-01-15T10:00:00Z");
  const past = new Date("2026-01-13T10:00:00Z");
  const appt = (status: AppointmentStatus, startsAt: Date) => ({ status, startsAt, patientId, doctorId });

  it("offers the doctor accept and decline on a future request, and the patient cancel", () => {
    expect(availableActions(appt("requested", future), doctorId, now)).toEqual(["accept", "decline"]);
    expect(availableActions(appt("requested", future), patientId, now)).toEqual(["cancel"]);
  });

  it("offers only decline on a request whose time has passed, and nothing to the patient", () => {
    expect(availableActions(appt("requested", past), doctorId, now)).toEqual(["decline"]);
    expect(availableActions(appt("requested", past), patientId, now)).toEqual([]);
  });

  it("offers both sides cancel on a future accepted appointment", () => {
    expect(availableActions(appt("accepted", future), doctorId, now)).toEqual(["cancel"]);
    expect(availableActions(appt("accepted", future), patientId, now)).toEqual(["cancel"]);
  });

  it("offers the doctor complete once an accepted appointment has started, and the patient nothing", () => {
    expect(availableActions(appt("accepted", past), doctorId, now)).toEqual(["complete"]);
    expect(availableActions(appt("accepted", past), patientId, now)).toEqual([]);
  });

  it("offers nothing on settled appointments", () => {
    for (const status of ["declined", "cancelled", "completed"] as const) {
      for (const startsAt of [future, past]) {
        expect(availableActions(appt(status, startsAt), doctorId, now)).toEqual([]);
        expect(availableActions(appt(status, startsAt), patientId, now)).toEqual([]);
      }
    }
  });

  it("offers a stranger nothing, whatever the status", () => {
    for (const status of APPOINTMENT_STATUSES) {
      for (const startsAt of [future, past])
        expect(availableActions(appt(status, startsAt), "stranger", now)).toEqual([]);
    }
  });
});

describe("isDoctorOrPatient", () => {
  it("is true for doctors and patients only", () => {
    expect(isDoctorOrPatient("doctor")).toBe(true);
    expect(isDoctorOrPatient("patient")).toBe(true);
    expect(isDoctorOrPatient("admin")).toBe(false);
  });
});
