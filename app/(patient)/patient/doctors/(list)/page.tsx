import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listDoctors, listSpecialties } from "@/lib/doctors/directory";
import { requireRole } from "@/lib/auth/gate";
import { directoryFilterSchema } from "@/lib/schemas/appointments";
import { doctorName } from "@/lib/shared/display-name";
import { DoctorCareLine } from "@/components/appointments/doctor-care-line";

export const metadata: Metadata = { title: "Find a doctor" };

export default async function DoctorDirectory({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole("patient");
  const filter = directoryFilterSchema.parse(await searchParams);
  const [doctors, specialties] = await Promise.all([
    listDoctors({ specialty: filter.specialty || undefined, query: filter.q || undefined }),
    listSpecialties(),
  ]);
  const filtered = Boolean(filter.specialty || filter.q);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Find a doctor"
        description="Choose a doctor to see their free times and request an appointment."
      />
      <form
        role="search"
        aria-label="Doctors"
        className="mb-6 flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:flex-row sm:items-end"
      >
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="q" className="text-sm font-medium text-slate-800">
            Name
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={filter.q}
            maxLength={100}
            placeholder="For example: Davis"
            className="rounded-md border border-slate-300 px-3 py-2 text-base sm:text-sm"
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="specialty" className="text-sm font-medium text-slate-800">
            Specialty
          </label>
          <select
            id="specialty"
            name="specialty"
            defaultValue={filter.specialty ?? ""}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm"
          >
            <option value="">All specialties</option>
            {specialties.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClasses("primary")}>
          Search
        </button>
      </form>
      {doctors.length === 0 ? (
        <EmptyState
          title={filtered ? "No doctor matches your search" : "No doctors yet"}
          action={
            filtered ? (
              <Link href="/patient/doctors" className={buttonClasses("secondary")}>
                Show all doctors
              </Link>
            ) : null
          }
        >
          {filtered ? "Try another name or specialty." : "Doctors will show here once the clinic adds them."}
        </EmptyState>
      ) : (
        <ul className="grid grid-cols-1 gap-4 md:grid-cols-2">
          {doctors.map((d) => (
            <li key={d.id} className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <h2 className="text-lg font-semibold text-slate-900">{doctorName(d.name)}</h2>
              <p className="text-sm font-medium text-brand-800">{d.specialty}</p>
              {d.bio ? <p className="text-sm text-slate-700">{d.bio}</p> : null}
              <DoctorCareLine doctor={d} now={now} />
              <div className="mt-auto pt-2">
                <Link href={`/patient/doctors/${d.id}`} className={buttonClasses("primary", "sm")}>
                  Request an appointment<span className="sr-only"> with {doctorName(d.name)}</span>
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
