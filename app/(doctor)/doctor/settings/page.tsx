import type { Metadata } from "next";
import { WorkingHoursForm } from "@/components/appointments/working-hours-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { findBookableDoctor } from "@/lib/doctors/directory";
import { requireRole } from "@/lib/auth/gate";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Working hours" };

const toTime = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

export default async function DoctorSettings() {
  const user = await requireRole("doctor");
  const doctor = await findBookableDoctor(user.id);
  if (!doctor) notFound();
  const days = [1, 2, 3, 4, 5, 6, 7].map((weekday) => {
    const h = doctor.hours.find((x) => x.weekday === weekday);
    return {
      weekday,
      enabled: Boolean(h),
      start: toTime(h?.startMinute ?? 9 * 60),
      end: toTime(h?.endMinute ?? 17 * 60),
    };
  });
  return (
    <>
      <PageHeader
        title="Working hours"
        description="Patients can request 30-minute appointments within these hours. Accepted appointments are kept when you change them."
      />
      <Card>
        <WorkingHoursForm
          initial={{ timeZone: doctor.timeZone, days }}
          timeZones={Intl.supportedValuesOf("timeZone")}
        />
      </Card>
    </>
  );
}
