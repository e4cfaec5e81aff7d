import type { Metadata } from "next";
import Link from "next/link";
import { AppointmentList } from "@/components/appointments/appointment-list";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { patientAppointments } from "@/lib/appointments";
import { requireRole } from "@/lib/authz";
import { viewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata: Metadata = { title: "Home" };

export default async function PatientHome() {
  const user = await requireRole("patient");
  const [{ upcoming }, tz] = await Promise.all([patientAppointments(user.id), viewerTimeZone()]);
  const accepted = upcoming.filter((a) => a.status === "accepted");
  const waiting = upcoming.filter((a) => a.status === "requested");
  const findDoctor = (
    <Link href="/patient/doctors" className={buttonClasses("primary", "sm")}>
      Find a doctor
    </Link>
  );
  return (
    <>
      <PageHeader title={`Hello, ${user.name}`} description="Your appointments and messages with your doctors." action={findDoctor} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card
          title="Next appointments"
          action={
            <Link href="/patient/appointments" className="text-sm font-medium text-brand-700 underline">
              All appointments
            </Link>
          }
        >
          <AppointmentList appointments={accepted.slice(0, 3)} viewer="patient" userId={user.id} timeZone={tz} empty={{ title: "No upcoming appointments", body: "Find a doctor and request a time that suits you." }} />
        </Card>
        <Card title="Waiting for a doctor">
          <AppointmentList appointments={waiting} viewer="patient" userId={user.id} timeZone={tz} empty={{ title: "No requests waiting", body: "Requests you send show here until the doctor answers." }} />
        </Card>
      </div>
    </>
  );
}
