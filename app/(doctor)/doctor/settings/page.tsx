import type { Metadata } from "next";
import { WorkingHoursForm } from "@/components/appointments/working-hours-form";
import { CareSettingsForm } from "@/components/settings/care-settings-form";
import { zoneLabel } from "@/lib/shared/format";
import { formatLocalDate } from "@/lib/shared/slots";
import { localDateOf } from "@/lib/shared/time";
import { careSettingsOf } from "@/lib/doctors/care";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { findBookableDoctor } from "@/lib/doctors/directory";
import { requireRole } from "@/lib/auth/gate";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Working hours" };

const toTime = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

export default async function DoctorSettings() {
  const user = await requireRole("doctor");
  const [doctor, care] = await Promise.all([findBookableDoctor(user.id), careSettingsOf(user.id)]);
  if (!doctor || !care) notFound();
  const day = (instant: Date | undefined) => (instant ? formatLocalDate(localDateOf(instant, care.timeZone)) : "");
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
      <Card title="What patients can expect" className="mt-6">
        <CareSettingsForm
          zone={zoneLabel(care.timeZone)}
          initial={{
            replyDays: care.replyDays,
            replyWindowDays: care.replyWindowDays,
            away: care.away !== null,
            awayFrom: day(care.away?.from),
            awayUntil: day(care.away?.until),
            awayMessage: care.away?.message ?? "",
            awayColleague: care.away?.colleague ?? "",
          }}
        />
      </Card>
    </>
  );
}
