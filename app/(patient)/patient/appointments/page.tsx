import type { Metadata } from "next";
import Link from "next/link";
import { AppointmentList } from "@/components/appointments/appointment-list";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { patientAppointments } from "@/lib/appointments/lists";
import { requireRole } from "@/lib/auth/gate";
import { zoneLabel } from "@/lib/shared/format";
import { viewerTimeZone } from "@/lib/http/viewer-time-zone";

export const metadata: Metadata = { title: "My appointments" };

export default async function PatientAppointments({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireRole("patient");
  const [{ upcoming, past }, tz, params] = await Promise.all([
    patientAppointments(user.id),
    viewerTimeZone(),
    searchParams,
  ]);
  const justRequested = typeof params.requested === "string" && upcoming.some((a) => a.id === params.requested);
  const findDoctor = (
    <Link href="/patient/doctors" className={buttonClasses("primary", "sm")}>
      Find a doctor
    </Link>
  );
  return (
    <>
      <PageHeader title="My appointments" description={`Times are shown in ${zoneLabel(tz)}.`} action={findDoctor} />
      {justRequested ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900"
        >
          Your request was sent. You will see here when the doctor accepts or declines it.
        </p>
      ) : null}
      <div className="flex flex-col gap-6">
        <Card title="Upcoming">
          <AppointmentList
            appointments={upcoming}
            viewer="patient"
            userId={user.id}
            timeZone={tz}
            empty={{ title: "No upcoming appointments", body: "Find a doctor and request a time that suits you." }}
          />
        </Card>
        <Card title="Past">
          <AppointmentList
            appointments={past}
            viewer="patient"
            userId={user.id}
            timeZone={tz}
            empty={{ title: "No past appointments" }}
          />
        </Card>
      </div>
    </>
  );
}
