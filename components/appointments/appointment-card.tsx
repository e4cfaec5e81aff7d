import Link from "next/link";
import type { ReactNode } from "react";
import type { AppointmentView } from "@/lib/appointments/lists";
import { formatDateTime } from "@/lib/shared/format";
import { Badge } from "@/components/ui/badge";
import { StatusBadge } from "./status-badge";
import { doctorName } from "@/lib/shared/display-name";

/** One appointment as a patient or a doctor sees it: the other person, the time, status and notes. */
export function AppointmentCard({
  appointment,
  viewer,
  timeZone,
  actions,
  expired = false,
}: {
  appointment: AppointmentView;
  /** A request whose time came without an answer. */
  expired?: boolean;
  viewer: "patient" | "doctor";
  timeZone: string;
  actions?: ReactNode;
}) {
  const other =
    viewer === "patient"
      ? `${doctorName(appointment.doctor.name)}${appointment.doctor.specialty ? ` · ${appointment.doctor.specialty}` : ""}`
      : appointment.patient.name;
  return (
    <li className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:flex-row sm:items-start sm:justify-between">
      <div className="flex min-w-0 flex-col gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className="font-semibold text-slate-900">{other}</h3>
          <StatusBadge status={appointment.status} />
          {expired ? <Badge tone="neutral">Time passed without an answer</Badge> : null}
        </div>
        <p className="text-sm text-slate-800">
          <time dateTime={appointment.startsAt.toISOString()}>{formatDateTime(appointment.startsAt, timeZone)}</time>
        </p>
        <p className="text-sm break-words text-slate-700">
          <span className="font-medium">Reason:</span> {appointment.reason}
        </p>
        {appointment.decisionNote ? (
          <p className="text-sm break-words text-slate-700">
            <span className="font-medium">{appointment.status === "declined" ? "Doctor's note" : "Note"}:</span>{" "}
            {appointment.decisionNote}
          </p>
        ) : null}
      </div>
      <div className="flex shrink-0 flex-wrap gap-2">
        {appointment.roomId ? (
          <Link
            href={`/chat/${appointment.roomId}`}
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-brand-800 hover:bg-slate-100"
          >
            Open chat<span className="sr-only"> with {other}</span>
          </Link>
        ) : null}
        {actions}
      </div>
    </li>
  );
}
