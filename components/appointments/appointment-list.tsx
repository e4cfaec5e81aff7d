import type { ReactNode } from "react";
import { availableActions } from "@/lib/shared/appointment-rules";
import type { AppointmentView } from "@/lib/appointments/lists";
import { EmptyState } from "@/components/ui/empty-state";
import { AppointmentActions } from "./appointment-actions";
import { AppointmentCard } from "./appointment-card";
import { doctorName } from "@/lib/shared/display-name";

/** A list of appointments with the actions the viewer may take on each. */
export function AppointmentList({
  appointments,
  viewer,
  userId,
  timeZone,
  empty,
  now = new Date(),
}: {
  appointments: AppointmentView[];
  viewer: "patient" | "doctor";
  userId: string;
  timeZone: string;
  empty: { title: string; body?: ReactNode; action?: ReactNode };
  now?: Date;
}) {
  if (appointments.length === 0) {
    return (
      <EmptyState title={empty.title} action={empty.action}>
        {empty.body}
      </EmptyState>
    );
  }
  return (
    <ul className="flex flex-col gap-3">
      {appointments.map((a) => {
        const available = availableActions(
          { status: a.status, startsAt: a.startsAt, patientId: a.patient.id, doctorId: a.doctor.id },
          userId,
          now,
        );
        return (
          <AppointmentCard
            key={a.id}
            appointment={a}
            viewer={viewer}
            timeZone={timeZone}
            expired={a.status === "requested" && a.startsAt.getTime() <= now.getTime()}
            actions={
              available.length > 0 ? (
                <AppointmentActions
                  appointmentId={a.id}
                  available={available}
                  viewer={viewer}
                  otherName={viewer === "patient" ? doctorName(a.doctor.name) : a.patient.name}
                />
              ) : null
            }
          />
        );
      })}
    </ul>
  );
}
