import type { Metadata } from "next";
import { CancelAppointmentButton } from "@/components/admin/cancel-appointment-button";
import { AdminTable } from "@/components/admin/admin-table";
import { Pagination } from "@/components/admin/pagination";
import { StatusBadge } from "@/components/appointments/status-badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { APPOINTMENT_STATUSES } from "@/lib/shared/model";
import { transitionRefusal } from "@/lib/shared/appointment-rules";
import { listAppointments, listDoctorsForFilter } from "@/lib/appointments/admin";
import { requireRole } from "@/lib/auth/gate";
import { formatDateTime, zoneLabel } from "@/lib/shared/format";
import { appointmentFilterSchema } from "@/lib/schemas/admin";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { doctorName } from "@/lib/shared/display-name";

export const metadata: Metadata = { title: "Appointments" };

const ymd = (d?: Date) => (d ? d.toISOString().slice(0, 10) : undefined);

export default async function AdminAppointments({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole("admin");
  const filter = appointmentFilterSchema.parse(await searchParams);
  // "To" includes that whole day.
  const to = filter.to ? new Date(filter.to.getTime() + 24 * 3_600_000) : undefined;
  const [result, doctors, tz] = await Promise.all([
    listAppointments({ ...filter, to }),
    listDoctorsForFilter(),
    viewerTimeZone(),
  ]);
  const input = "rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm";
  return (
    <>
      <PageHeader
        title="Appointments"
        description={`Newest first. Times in ${zoneLabel(tz)}; the date filter is in UTC.`}
      />
      <form
        role="search"
        aria-label="Appointments"
        className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-5 sm:items-end"
      >
        <div className="flex flex-col gap-1">
          <label htmlFor="status" className="text-sm font-medium text-slate-800">
            Status
          </label>
          <select id="status" name="status" defaultValue={filter.status ?? ""} className={input}>
            <option value="">Any status</option>
            {APPOINTMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="doctorId" className="text-sm font-medium text-slate-800">
            Doctor
          </label>
          <select id="doctorId" name="doctorId" defaultValue={filter.doctorId ?? ""} className={input}>
            <option value="">Any doctor</option>
            {doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {doctorName(d.name)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="from" className="text-sm font-medium text-slate-800">
            From
          </label>
          <input id="from" name="from" type="date" defaultValue={ymd(filter.from)} className={input} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="to" className="text-sm font-medium text-slate-800">
            To
          </label>
          <input id="to" name="to" type="date" defaultValue={ymd(filter.to)} className={input} />
        </div>
        <button type="submit" className={buttonClasses("secondary")}>
          Filter
        </button>
      </form>
      {result.rows.length === 0 ? (
        <EmptyState title="No appointments match">Try another status, doctor or dates.</EmptyState>
      ) : (
        <AdminTable
          caption="Appointments"
          minWidth="48rem"
          columns={["When", "Patient", "Doctor", "Status", "Note", ""]}
        >
          {result.rows.map((a) => (
            <tr key={a.id}>
              <td className="px-4 py-2 whitespace-nowrap">{formatDateTime(a.startsAt, tz)}</td>
              <td className="px-4 py-2">{a.patientName}</td>
              <td className="px-4 py-2">{doctorName(a.doctorName)}</td>
              <td className="px-4 py-2">
                <StatusBadge status={a.status} />
              </td>
              <td className="max-w-xs truncate px-4 py-2 text-slate-700">{a.decisionNote ?? ""}</td>
              <td className="px-4 py-2 text-right">
                {transitionRefusal("cancel", a.status) === null ? (
                  <CancelAppointmentButton
                    appointmentId={a.id}
                    label={`${a.patientName} with ${doctorName(a.doctorName)}, ${formatDateTime(a.startsAt, tz)}`}
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <Pagination
        of={result}
        params={{ status: filter.status, doctorId: filter.doctorId, from: ymd(filter.from), to: ymd(filter.to) }}
      />
    </>
  );
}
