import type { Metadata } from "next";
import Link from "next/link";
import { RequestAppointmentForm } from "@/components/appointments/request-appointment-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { freeSlots } from "@/lib/doctors/free-slots";
import { requireRole } from "@/lib/auth/gate";
import { formatDay, formatInstant, formatTime, zoneLabel } from "@/lib/shared/format";
import { dateParamSchema } from "@/lib/schemas/appointments";
import { bookableDates, formatLocalDate, parseLocalDate } from "@/lib/shared/slots";
import { addDays, zonedToUtc } from "@/lib/shared/time";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";
import { loadDoctor } from "./load-doctor";
import { doctorName } from "@/lib/shared/display-name";
import { DoctorCareLine } from "@/components/appointments/doctor-care-line";

export const metadata: Metadata = { title: "Request an appointment" };

const DAYS_SHOWN = 14;

export default async function DoctorPage({
  params,
  searchParams,
}: {
  params: Promise<{ doctorId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole("patient");
  const doctor = await loadDoctor((await params).doctorId);

  const now = new Date();
  const tz = await viewerTimeZone();
  const { first, last } = bookableDates(now, doctor.timeZone);
  const workingDays = new Set(doctor.hours.map((h) => h.weekday));
  const days = Array.from({ length: 60 }, (_, i) => addDays(first, i))
    .filter((d) => workingDays.has(d.weekday))
    .slice(0, DAYS_SHOWN);
  const asked = parseLocalDate(dateParamSchema.parse((await searchParams).date) ?? "");
  const inRange =
    asked && formatLocalDate(asked) >= formatLocalDate(first) && formatLocalDate(asked) <= formatLocalDate(last);
  const date = inRange ? asked : days[0];
  const slots = date ? await freeSlots({ doctorId: doctor.id, date, now }) : [];
  const dateLabel = date ? formatDay(zonedToUtc(date, 12 * 60, doctor.timeZone), doctor.timeZone) : null;

  return (
    <>
      <PageHeader
        title={doctorName(doctor.name)}
        description={
          <>
            {doctor.specialty}
            {doctor.bio ? ` · ${doctor.bio}` : ""}
          </>
        }
        action={
          <Link href="/patient/doctors" className="text-sm font-medium text-brand-700 underline">
            Back to all doctors
          </Link>
        }
      />
      <div className="mb-6">
        <DoctorCareLine doctor={doctor} now={now} />
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[2fr_3fr]">
        <Card title="Choose a day">
          <nav aria-label="Days">
            <ul className="flex flex-wrap gap-2">
              {days.map((d) => {
                const value = formatLocalDate(d);
                const selected = date && value === formatLocalDate(date);
                const label = formatInstant(zonedToUtc(d, 12 * 60, doctor.timeZone), "shortDay", doctor.timeZone);
                return (
                  <li key={value}>
                    <Link
                      href={`?date=${value}`}
                      aria-current={selected ? "date" : undefined}
                      className={`block rounded-md border px-3 py-2 text-sm ${selected ? "border-brand-700 bg-brand-700 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-100"}`}
                      scroll={false}
                    >
                      {label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <form className="mt-4 flex flex-wrap items-end gap-2">
            <div className="flex flex-col gap-1">
              <label htmlFor="date" className="text-sm font-medium text-slate-800">
                Or pick a date
              </label>
              <input
                id="date"
                name="date"
                type="date"
                min={formatLocalDate(first)}
                max={formatLocalDate(last)}
                defaultValue={date ? formatLocalDate(date) : undefined}
                className="rounded-md border border-slate-300 px-3 py-2 text-base sm:text-sm"
              />
            </div>
            <button
              type="submit"
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100"
            >
              Show times
            </button>
          </form>
          <p className="mt-4 text-xs text-slate-600">
            {doctorName(doctor.name)} works in {zoneLabel(doctor.timeZone)}. Times are shown in your time zone,{" "}
            {zoneLabel(tz)}.
          </p>
        </Card>
        <Card title={dateLabel ? `Free times on ${dateLabel}` : "Free times"}>
          <RequestAppointmentForm
            doctorId={doctor.id}
            doctorName={doctorName(doctor.name)}
            slots={slots.map((s) => ({ value: s.toISOString(), label: formatTime(s, tz) }))}
            zone={zoneLabel(tz)}
          />
        </Card>
      </div>
    </>
  );
}
