import type { AppointmentStatus, Role } from "@/lib/shared/model";

/** Every legal status change; anything else is refused. */
export const TRANSITIONS: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  requested: ["accepted", "declined", "cancelled"],
  accepted: ["cancelled", "completed"],
  declined: [],
  cancelled: [],
  completed: [],
};

export type AppointmentAction = "accept" | "decline" | "cancel" | "complete";

export const ACTION_TARGET: Record<AppointmentAction, AppointmentStatus> = {
  accept: "accepted",
  decline: "declined",
  cancel: "cancelled",
  complete: "completed",
};

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Which side of the appointment the acting user is on, if any. */
export type Party = "patient" | "doctor" | null;

export function partyOf(appointment: { patientId: string; doctorId: string }, userId: string): Party {
  if (appointment.patientId === userId) return "patient";
  if (appointment.doctorId === userId) return "doctor";
  return null;
}

/**
 * Whether this party may take this action on an appointment in this status (status legality is
 * checked apart, so the refusal can say why). Only the doctor accepts, declines and completes;
 * the patient cancels, and the doctor cancels once it is accepted.
 */
export function mayAct(party: Party, action: AppointmentAction, status: AppointmentStatus): boolean {
  if (party === null) return false;
  switch (action) {
    case "accept":
    case "decline":
    case "complete":
      return party === "doctor";
    case "cancel":
      return party === "patient" || status !== "requested";
  }
}

const STATUS_WORDS: Record<AppointmentStatus, string> = {
  requested: "still waiting for the doctor",
  accepted: "already accepted",
  declined: "already declined",
  cancelled: "already cancelled",
  completed: "already completed",
};

/** The message for an action the appointment's status no longer allows, or null when it may go ahead. */
export function transitionRefusal(action: AppointmentAction, status: AppointmentStatus): string | null {
  if (canTransition(status, ACTION_TARGET[action])) return null;
  if (action === "complete" && status === "requested") return "Only an accepted appointment can be marked completed.";
  return `This appointment is ${STATUS_WORDS[status]}, so it cannot be ${ACTION_PAST[action]}.`;
}

const ACTION_PAST: Record<AppointmentAction, string> = {
  accept: "accepted",
  decline: "declined",
  cancel: "cancelled",
  complete: "marked completed",
};

/** Timing rules: nothing that has started is cancelled or accepted; nothing in the future is completed. */
export function timingRefusal(action: AppointmentAction, startsAt: Date, now: Date): string | null {
  const started = startsAt.getTime() <= now.getTime();
  if ((action === "accept" || action === "cancel") && started) {
    return action === "accept"
      ? "This request's time has already passed."
      : "An appointment that has started can no longer be cancelled.";
  }
  if (action === "complete" && !started) return "An appointment can be marked completed once it has started.";
  return null;
}

export function isDoctorOrPatient(role: Role): role is "doctor" | "patient" {
  return role === "doctor" || role === "patient";
}

/** The actions a party may take on an appointment right now, in the order buttons show them. */
export function availableActions(
  appointment: { status: AppointmentStatus; startsAt: Date; patientId: string; doctorId: string },
  userId: string,
  now: Date = new Date(),
): AppointmentAction[] {
  const party = partyOf(appointment, userId);
  return (["accept", "decline", "complete", "cancel"] as const).filter(
    (action) =>
      mayAct(party, action, appointment.status) &&
      !transitionRefusal(action, appointment.status) &&
      !timingRefusal(action, appointment.startsAt, now),
  );
}

export const NOTE_REQUIRED = "Add a short note for the patient.";

/**
 * Whether this action by this party takes a note for the patient: a doctor who declines or cancels
 * must say why; a patient who cancels may; accepting and completing take none.
 */
export function noteRule(action: AppointmentAction, party: "patient" | "doctor"): "required" | "optional" | "none" {
  if (action === "decline") return "required";
  if (action === "cancel") return party === "doctor" ? "required" : "optional";
  return "none";
}
