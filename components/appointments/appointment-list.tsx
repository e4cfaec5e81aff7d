import type { ReactNode } from "react";
import { availableActions } from "@/lib/shared/appointment-rules";
import type { AppointmentView } from "@/lib/appointments/lists";
import { EmptyState } from "@/components/ui/empty-state";
import { AppointmentActions } from "./appointment-actions";
import { AppointmentCard } from "./appointment-card";
import { RescheduleButton } from "./reschedule-button";
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
        const otherName = viewer === "patient" ? doctorName(a.doctor.name) : a.patient.name;
        // An accepted appointment still ahead can be added to a calendar and moved.
        const movable = a.status === "accepted" && a.startsAt.getTime() > now.getTime();
        return (
          <AppointmentCard
            key={a.id}
            appointment={a}
            viewer={viewer}
            timeZone={timeZone}
            expired={a.status === "requested" && a.startsAt.getTime() <= now.getTime()}
            actions={
              <>
                {movable ? (
                  <>
                    <a
                      href={`/api/appointments/${a.id}/calendar`}
                      download
                      className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-brand-800 hover:bg-slate-100"
                    >
                      Add to calendar<span className="sr-only"> ({otherName})</span>
                    </a>
                    <RescheduleButton appointmentId={a.id} timeZone={timeZone} otherName={otherName} />
                  </>
                ) : null}
                {available.length > 0 ? (
                  <AppointmentActions
                    appointmentId={a.id}
                    available={available}
                    viewer={viewer}
                    otherName={otherName}
                  />
                ) : null}
              </>
            }
          />
        );
      })}
    </ul>
  );
}
